package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
	"k8s.io/client-go/tools/clientcmd"
)

type clients struct {
	cfg    *rest.Config
	dyn    dynamic.Interface
	disc   *discovery.DiscoveryClient
	mapper *restmapper.DeferredDiscoveryRESTMapper
	core   kubernetes.Interface
}

func connect() (*clients, error) {
	path := os.Getenv("KUBECONFIG")
	if path == "" {
		return nil, errors.New("KUBECONFIG is not set")
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", path)
	if err != nil {
		return nil, err
	}
	cfg.QPS, cfg.Burst = 200, 400
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	disc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return nil, err
	}
	core, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	mapper := restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(disc))
	return &clients{cfg, dyn, disc, mapper, core}, nil
}

func writeKubeconfig(dir, server, token string) error {
	body := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
  - name: kube-test
    cluster:
      server: %s
      certificate-authority: %s
users:
  - name: admin
    user:
      token: %s
contexts:
  - name: kube-test
    context: {cluster: kube-test, user: admin}
current-context: kube-test
`, server, filepath.Join(dir, "ca.crt"), token)
	return os.WriteFile(filepath.Join(dir, "kubeconfig"), []byte(body), 0o600)
}

func waitReady(ctx context.Context, timeout string) error {
	d, err := time.ParseDuration(timeout)
	if err != nil {
		return err
	}
	c, err := connect()
	if err != nil {
		return err
	}
	deadline := time.Now().Add(d)
	var last error
	for time.Now().Before(deadline) {
		body, err := c.disc.RESTClient().Get().AbsPath("/readyz").DoRaw(ctx)
		if err == nil && strings.TrimSpace(string(body)) == "ok" {
			return nil
		}
		last = err
		time.Sleep(250 * time.Millisecond)
	}
	return fmt.Errorf("API server not ready after %s: %v", timeout, last)
}

// readObjects decodes every YAML document of the files (empty documents skipped).
func readObjects(files []string) ([]*unstructured.Unstructured, error) {
	var objs []*unstructured.Unstructured
	for _, f := range files {
		r, err := os.Open(f)
		if err != nil {
			return nil, err
		}
		dec := utilyaml.NewYAMLOrJSONDecoder(r, 4096)
		for {
			m := map[string]interface{}{}
			if err := dec.Decode(&m); err != nil {
				r.Close()
				if err == io.EOF {
					break
				}
				return nil, fmt.Errorf("%s: %w", f, err)
			}
			if len(m) > 0 {
				objs = append(objs, &unstructured.Unstructured{Object: m})
			}
		}
	}
	return objs, nil
}

// mapping finds the resource of an object's kind, re-reading discovery for kinds that a CRD
// created a moment ago still makes unknown.
func (c *clients) mapping(ctx context.Context, gvk schema.GroupVersionKind) (*meta.RESTMapping, error) {
	for i := 0; ; i++ {
		m, err := c.mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
		if err == nil || !meta.IsNoMatchError(err) || i >= 40 {
			return m, err
		}
		c.mapper.Reset()
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// ensureNamespace does what the namespace and service-account controllers would: the namespace
// exists and has its "default" ServiceAccount (Pods without one are refused by admission).
func (c *clients) ensureNamespace(ctx context.Context, ns string, seen map[string]bool) error {
	if seen[ns] {
		return nil
	}
	seen[ns] = true
	nsObj := &unstructured.Unstructured{Object: map[string]interface{}{
		"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]interface{}{"name": ns},
	}}
	_, err := c.dyn.Resource(schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}).Create(ctx, nsObj, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		return err
	}
	sa := &unstructured.Unstructured{Object: map[string]interface{}{
		"apiVersion": "v1", "kind": "ServiceAccount", "metadata": map[string]interface{}{"name": "default", "namespace": ns},
	}}
	_, err = c.dyn.Resource(schema.GroupVersionResource{Version: "v1", Resource: "serviceaccounts"}).Namespace(ns).Create(ctx, sa, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		return err
	}
	return nil
}

func createAll(ctx context.Context, files []string, dryRun bool) error {
	c, err := connect()
	if err != nil {
		return err
	}
	objs, err := readObjects(files)
	if err != nil {
		return err
	}
	opts := metav1.CreateOptions{FieldValidation: "Strict"}
	verb := "created"
	if dryRun {
		opts.DryRun = []string{metav1.DryRunAll}
		verb = "accepted (dry-run)"
	}
	seen := map[string]bool{}
	failed := 0
	for _, o := range objs {
		id := fmt.Sprintf("%s %s/%s", o.GetAPIVersion(), o.GetKind(), o.GetName())
		m, err := c.mapping(ctx, o.GroupVersionKind())
		if err != nil {
			fmt.Printf("REFUSED %s: %v\n", id, err)
			failed++
			continue
		}
		ri := dynamic.ResourceInterface(c.dyn.Resource(m.Resource))
		if m.Scope.Name() == meta.RESTScopeNameNamespace {
			ns := o.GetNamespace()
			if ns == "" {
				ns = "default"
			}
			if err := c.ensureNamespace(ctx, ns, seen); err != nil {
				return err
			}
			ri = c.dyn.Resource(m.Resource).Namespace(ns)
			id = ns + " " + id
		}
		if _, err := ri.Create(ctx, o, opts); err != nil {
			fmt.Printf("REFUSED %s: %v\n", id, err)
			failed++
			continue
		}
		fmt.Printf("%s %s\n", verb, id)
		if !dryRun && o.GetKind() == "CustomResourceDefinition" {
			if err := waitEstablished(ctx, c, m.Resource, o.GetName()); err != nil {
				return err
			}
		}
	}
	fmt.Printf("%d objects, %d refused\n", len(objs), failed)
	if failed > 0 {
		return fmt.Errorf("%d of %d objects refused", failed, len(objs))
	}
	return nil
}

func waitEstablished(ctx context.Context, c *clients, gvr schema.GroupVersionResource, name string) error {
	for i := 0; i < 120; i++ {
		crd, err := c.dyn.Resource(gvr).Get(ctx, name, metav1.GetOptions{})
		if err == nil {
			conds, _, _ := unstructured.NestedSlice(crd.Object, "status", "conditions")
			for _, raw := range conds {
				cond, _ := raw.(map[string]interface{})
				if cond["type"] == "Established" && cond["status"] == "True" {
					c.mapper.Reset()
					return nil
				}
			}
		}
		time.Sleep(250 * time.Millisecond)
	}
	return fmt.Errorf("CRD %s not established after 30 s", name)
}

func printField(ctx context.Context, ns, resource, name, path string) error {
	c, err := connect()
	if err != nil {
		return err
	}
	gvr, err := c.mapper.ResourceFor(schema.ParseGroupResource(resource).WithVersion(""))
	if err != nil {
		return err
	}
	o, err := c.dyn.Resource(gvr).Namespace(ns).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return err
	}
	v, found, err := unstructured.NestedFieldNoCopy(o.Object, strings.Split(path, ".")...)
	if err != nil || !found {
		return fmt.Errorf("%s/%s has no %s", resource, name, path)
	}
	fmt.Println(v)
	return nil
}

// leftovers lists, across every listable kind (namespaced in all namespaces, and cluster-scoped),
// the objects matching the label selector. Objects annotated helm.sh/resource-policy=keep are kept
// on purpose only when their kind is one of keptKinds; any other is a leftover. With deleteKept,
// the kept objects are deleted instead (as a team does that means to drop what the chart kept).
func leftovers(ctx context.Context, selector string, keptKinds []string, deleteKept bool) error {
	c, err := connect()
	if err != nil {
		return err
	}
	lists, err := c.disc.ServerPreferredResources()
	if err != nil && len(lists) == 0 {
		return err
	}
	var found, kept []string
	kinds := 0
	for _, l := range lists {
		gv, err := schema.ParseGroupVersion(l.GroupVersion)
		if err != nil {
			return err
		}
		for _, r := range l.APIResources {
			if strings.Contains(r.Name, "/") || !hasVerb(r.Verbs, "list") {
				continue
			}
			kinds++
			res := c.dyn.Resource(gv.WithResource(r.Name))
			items, err := res.List(ctx, metav1.ListOptions{LabelSelector: selector})
			if apierrors.IsNotFound(err) || apierrors.IsMethodNotSupported(err) {
				continue // listed by discovery, not listable in fact
			}
			if err != nil {
				return fmt.Errorf("list %s: %w", r.Name, err)
			}
			for _, o := range items.Items {
				id := strings.TrimPrefix(o.GetNamespace()+"/", "/") + r.Kind + "/" + o.GetName()
				isKept := o.GetAnnotations()["helm.sh/resource-policy"] == "keep"
				switch {
				case isKept && deleteKept:
					if err := res.Namespace(o.GetNamespace()).Delete(ctx, o.GetName(), metav1.DeleteOptions{}); err != nil {
						return fmt.Errorf("delete %s: %w", id, err)
					}
					fmt.Println("deleted (was kept):", id)
				case isKept && slices.Contains(keptKinds, r.Kind):
					kept = append(kept, id)
				default:
					found = append(found, id)
				}
			}
		}
	}
	sort.Strings(found)
	sort.Strings(kept)
	for _, k := range kept {
		fmt.Println("kept (helm.sh/resource-policy: keep):", k)
	}
	for _, f := range found {
		fmt.Println("LEFT:", f)
	}
	fmt.Printf("%d kinds listed, %d objects left, %d kept on purpose\n", kinds, len(found), len(kept))
	if len(found) > 0 {
		return fmt.Errorf("%d objects of %q left", len(found), selector)
	}
	return nil
}

func hasVerb(verbs []string, v string) bool {
	for _, x := range verbs {
		if x == v {
			return true
		}
	}
	return false
}
