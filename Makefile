# Every target runs on the project's Node 24 and pnpm (installed into .tools/ when the machine's are older).
SHELL := /bin/bash
ROOT := $(CURDIR)
export PATH := $(ROOT)/.tools/bin:$(ROOT)/node_modules/.bin:$(PATH)
LOCAL := deploy/local

.PHONY: help tools install build lint up down test test-only demo demo-down clean bench test-tools test-deploy

help:
	@echo "make demo   run Appgov on a demo Okta tenant"
	@echo "make test   set up everything missing and run every test"
	@echo "make up / make down   start / stop Postgres, Redis and Kafka"
	@echo "make clean  stop everything and remove .local, dist and node_modules"

tools:
	@bash scripts/toolchain.sh >/dev/null

install: tools
	@pnpm install --frozen-lockfile --reporter=append-only

build: install
	@pnpm exec tsc -b
	@bash scripts/build-web.sh

lint: install
	@pnpm exec biome check . --diagnostic-level=error

up: tools
	@bash $(LOCAL)/up.sh

down:
	@bash $(LOCAL)/down.sh

# Sets up whatever is missing (toolchain, packages, Postgres, Redis, Kafka), builds, lints, tests.
test: install up test-tools build lint test-deploy test-only

test-deploy:
	@bash scripts/test-deploy.sh

test-tools:
	@bash $(LOCAL)/test-tools.sh

test-only:
	@bash scripts/run-tests.sh

demo: install up build
	@bash scripts/demo.sh

demo-down:
	@bash scripts/demo.sh down; bash $(LOCAL)/down.sh

clean: down
	@bash $(LOCAL)/postgres.sh purge
	rm -rf .local node_modules */*/node_modules */*/dist */*/*.tsbuildinfo .tap
