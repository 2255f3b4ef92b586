// kubecheck: the client side of the chart tests against a real kube-apiserver (no kubelet, no
// controllers). Subcommands:
//
//	certs DIR                      CA, serving certificate (127.0.0.1, localhost), service-account keys
//	free-ports N                   N free loopback TCP ports
//	kubeconfig DIR URL TOKEN       writes DIR/kubeconfig trusting DIR/ca.crt
//	wait-ready TIMEOUT             polls /readyz until it answers ok
//	create FILE...                 creates every object (CRDs: then waits until they are served)
//	dry-run FILE...                server-side dry-run create of every object, strict field validation
//	field NS RESOURCE NAME PATH    prints a string field (dotted PATH) of an object
//	leftovers SELECTOR [KIND...]   lists objects of every listable kind matching SELECTOR; exit 1 if any,
//	                               except those annotated helm.sh/resource-policy=keep of a named KIND
//	delete-kept SELECTOR           deletes the objects matching SELECTOR annotated helm.sh/resource-policy=keep
//
// dry-run and create first create the namespaces the objects name and their "default"
// ServiceAccount, as the namespace and service-account controllers would.
package main

import (
	"context"
	"fmt"
	"os"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fail("usage: kubecheck <certs|free-ports|kubeconfig|wait-ready|create|dry-run|field|leftovers|delete-kept> ...")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	args := os.Args[2:]
	var err error
	switch os.Args[1] {
	case "certs":
		err = writeCerts(need(args, 1)[0])
	case "free-ports":
		err = freePorts(need(args, 1)[0])
	case "kubeconfig":
		a := need(args, 3)
		err = writeKubeconfig(a[0], a[1], a[2])
	case "wait-ready":
		err = waitReady(ctx, need(args, 1)[0])
	case "create":
		err = createAll(ctx, args, false)
	case "dry-run":
		err = createAll(ctx, args, true)
	case "field":
		a := need(args, 4)
		err = printField(ctx, a[0], a[1], a[2], a[3])
	case "leftovers":
		a := need(args, 1)
		err = leftovers(ctx, a[0], a[1:], false)
	case "delete-kept":
		err = leftovers(ctx, need(args, 1)[0], nil, true)
	default:
		fail("unknown subcommand " + os.Args[1])
	}
	if err != nil {
		fail(err.Error())
	}
}

func need(args []string, n int) []string {
	if len(args) < n {
		fail(fmt.Sprintf("%s needs %d argument(s)", os.Args[1], n))
	}
	return args
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "kubecheck:", msg)
	os.Exit(1)
}
