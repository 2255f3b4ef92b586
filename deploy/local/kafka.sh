#!/usr/bin/env bash
# Apache Kafka 4.x, single node in KRaft mode, from its Maven Central jars run with the machine's
# Java. Jars are copied into .local/kafka/libs once and reused; storage is formatted on first start.
# Two client listeners: PLAINTEXT on $KAFKA_PORT for the tests and tools, and SASL_SSL on
# $KAFKA_SASL_PORT (TLS from deploy/local/tls.sh's CA; SCRAM-SHA-512, SCRAM-SHA-256 and PLAIN) as
# managed offerings run it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/env.sh"; source "$here/lib.sh"
home="$APPGOV_STATE/kafka"
libs="$home/libs"
pidfile="$home/kafka.pid"

running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

ensure_jars() {
  command -v java >/dev/null || apt_install openjdk-17-jre-headless
  if [ -f "$libs/.complete" ] && cmp -s "$here/kafka/pom.xml" "$libs/.complete"; then return; fi
  command -v mvn >/dev/null || apt_install maven
  log "kafka: resolving broker jars from Maven Central"
  rm -rf "$libs" && mkdir -p "$libs" "$home"
  # Maven's output (terminal escapes even in batch mode) goes to a log, shown only when it fails.
  mvn -q -B -f "$here/kafka/pom.xml" dependency:copy-dependencies -DoutputDirectory="$libs" \
    -DincludeScope=runtime >"$home/maven.log" 2>&1 ||
    { log "kafka: resolving the jars failed:"; tail -30 "$home/maven.log" >&2; exit 1; }
  cp "$here/kafka/pom.xml" "$libs/.complete"
}

java_run() { java -Xms256m -Xmx1g -XX:+UseG1GC -Dlog4j2.configurationFile="$home/log4j2.properties" -cp "$libs/*" "$@"; }

write_config() {
  mkdir -p "$home/data" "$home/logs"
  cat >"$home/server.properties" <<CONF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT,SASL_SSL://127.0.0.1:$KAFKA_SASL_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,SASL_SSL://127.0.0.1:$KAFKA_SASL_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL
inter.broker.listener.name=PLAINTEXT
sasl.enabled.mechanisms=SCRAM-SHA-512,SCRAM-SHA-256,PLAIN
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_$KAFKA_LOCAL_SASL_USERNAME="$KAFKA_LOCAL_SASL_PASSWORD";
listener.name.sasl_ssl.ssl.keystore.type=PKCS12
listener.name.sasl_ssl.ssl.keystore.location=$APPGOV_TLS_DIR/server.p12
listener.name.sasl_ssl.ssl.keystore.password=$APPGOV_TLS_STORE_PASSWORD
# A client certificate is optional (SASL authenticates) but, when presented, must chain to the CA.
listener.name.sasl_ssl.ssl.client.auth=requested
listener.name.sasl_ssl.ssl.truststore.type=PEM
listener.name.sasl_ssl.ssl.truststore.location=$APPGOV_CA_FILE
log.dirs=$home/data
num.partitions=3
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
message.max.bytes=2097152
log.retention.hours=168
log.cleaner.enable=true
CONF
  cat >"$home/log4j2.properties" <<CONF
rootLogger.level=WARN
rootLogger.appenderRef.file.ref=file
appender.file.type=File
appender.file.name=file
appender.file.fileName=$home/logs/server.log
appender.file.layout.type=PatternLayout
appender.file.layout.pattern=[%d] %p %m (%c)%n
logger.kafka.name=kafka
logger.kafka.level=INFO
logger.kafka.appenderRef.file.ref=file
logger.kafka.additivity=false
CONF
}

# SCRAM credentials live in the cluster metadata: set through the admin API (idempotent), so a
# broker formatted before the SASL_SSL listener existed gets them too.
add_scram_user() {
  local mech
  for mech in SCRAM-SHA-512 SCRAM-SHA-256; do
    java_run kafka.admin.ConfigCommand --bootstrap-server "127.0.0.1:$KAFKA_PORT" --alter \
      --entity-type users --entity-name "$KAFKA_LOCAL_SASL_USERNAME" \
      --add-config "$mech=[iterations=8192,password=$KAFKA_LOCAL_SASL_PASSWORD]" >/dev/null
  done
}
start() {
  # A broker of ours started before the SASL_SSL listener (or its client-certificate check) existed
  # is restarted with it once.
  if running && ! grep -q '^listener.name.sasl_ssl.ssl.client.auth=requested' "$home/server.properties" 2>/dev/null; then
    log "kafka: restarting to configure the SASL_SSL listener on $KAFKA_SASL_PORT"
    stop
  fi
  # Any broker already on the port (ours, or one started from another checkout) is reused.
  if port_open "$KAFKA_PORT"; then log "kafka: already running on $KAFKA_PORT"; return; fi
  bash "$here/tls.sh"
  ensure_jars
  write_config
  if [ ! -f "$home/data/meta.properties" ]; then
    log "kafka: formatting KRaft storage"
    local id; id="$(java_run kafka.tools.StorageTool random-uuid)"
    java_run kafka.tools.StorageTool format -t "$id" -c "$home/server.properties" >/dev/null
  fi
  log "kafka: starting"
  nohup java -Xms256m -Xmx1g -XX:+UseG1GC -Dlog4j2.configurationFile="$home/log4j2.properties" \
    -cp "$libs/*" kafka.Kafka "$home/server.properties" >"$home/logs/stdout.log" 2>&1 &
  echo $! >"$pidfile"
  wait_for 90 port_open "$KAFKA_PORT" || { log "kafka: did not open $KAFKA_PORT; see $home/logs"; exit 1; }
  add_scram_user
  log "kafka: ready on 127.0.0.1:$KAFKA_PORT (PLAINTEXT) and $KAFKA_SASL_PORT (SASL_SSL)"
}
stop() {
  if running; then
    local pid; pid="$(cat "$pidfile")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
    log "kafka: stopped"
  fi
  rm -f "$pidfile"
}
case "${1:-start}" in
  start) start ;; stop) stop ;; restart) stop; start ;; status) running && echo running || echo stopped ;;
  *) echo "usage: $0 start|stop|restart|status" >&2; exit 2 ;;
esac
