//! The gallery: example workspaces (one or more files each) shown in the playground. The seed
//! tutorial comes first, exactly as a reader would paste it, with its corrected version beside it
//! (both shared with the CLI tests as tests/fixtures/seed/*.yaml).

/// One gallery entry: an id for links and tests, a title, what it shows, and its files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Example {
    pub id: &'static str,
    pub title: &'static str,
    pub about: &'static str,
    /// Whether the example is meant to show mistakes (errors or warnings expected) or a working
    /// setup (no errors).
    pub broken: bool,
    pub files: &'static [(&'static str, &'static str)],
}

/// The tutorial this project answers (`shared/spec/seed-tutorial.md`), as a reader would paste it.
pub const SEED_TUTORIAL: &str = "\
apiVersion: v1
kind: Service
metadata:
  name: my-service
spec:
  type: ClusterIP
  ports:
    - name: http
      port: 80
      targetPort: 8080
---
apiVersion: v1
kind: Pod
metadata:
  name: my-pod
spec:
  containers:
    - name: my-container
      image: my-image
      env:
        - name: MY_VARIABLE=value
";

const SEED_FIXED: &str = include_str!("../../tests/fixtures/seed/seed-tutorial-fixed.yaml");

const CLUSTERIP_SERVICE: &str = "\
# A ClusterIP Service in front of a Deployment: the selector matches the pod template's labels
# and targetPort names the container port.
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
    - name: http
      port: 80
      targetPort: http
";

const WEB_DEPLOYMENT: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports:
            - name: http
              containerPort: 80
";

const NAMED_PORTS_SERVICE: &str = "\
# Named ports: targetPort names the port, and each pod's own container port of that name is
# used. The two versions below listen on different numbers behind the same Service, so the
# backend's port can change without the Service (or its clients) changing.
apiVersion: v1
kind: Service
metadata:
  name: api
spec:
  selector:
    app: api
  ports:
    - name: http
      port: 80
      targetPort: http
";

const NAMED_PORTS_DEPLOYMENTS: &str = "\
# v1 serves on 8080, v2 on 9090; both name the port http. The Map and the Trace show each
# pod's endpoint with its own number.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api-v1
spec:
  replicas: 2
  selector:
    matchLabels:
      app: api
      version: v1
  template:
    metadata:
      labels:
        app: api
        version: v1
    spec:
      containers:
        - name: api
          image: registry.example/api:1.0
          ports:
            - name: http
              containerPort: 8080
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api-v2
spec:
  replicas: 1
  selector:
    matchLabels:
      app: api
      version: v2
  template:
    metadata:
      labels:
        app: api
        version: v2
    spec:
      containers:
        - name: api
          image: registry.example/api:2.0
          ports:
            - name: http
              containerPort: 9090
";

const NODEPORT: &str = "\
# A NodePort Service: reachable on every node's IP at the allocated (or requested) node port.
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  selector:
    app: web
  ports:
    - port: 80
      targetPort: 80
      nodePort: 30080
";

const HEADLESS_STATEFULSET: &str = "\
# A headless Service (clusterIP: None) governing a StatefulSet: every pod gets a stable DNS name
# db-0.db.default.svc.cluster.local.
apiVersion: v1
kind: Service
metadata:
  name: db
spec:
  clusterIP: None
  selector:
    app: db
  ports:
    - name: pg
      port: 5432
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  replicas: 2
  selector:
    matchLabels:
      app: db
  template:
    metadata:
      labels:
        app: db
    spec:
      containers:
        - name: postgres
          image: postgres:17
          ports:
            - name: pg
              containerPort: 5432
";

const SESSION_AFFINITY: &str = "\
# Session affinity: kube-proxy sends every request of one client IP to the same pod for
# timeoutSeconds (default 10800).
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  sessionAffinity: ClientIP
  ports:
    - name: http
      port: 80
      targetPort: http
";

const TRAFFIC_LOCAL: &str = "\
# externalTrafficPolicy: Local keeps the client's source IP: a node port only answers on nodes
# that run a ready pod of the Service (the others drop the traffic).
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  externalTrafficPolicy: Local
  selector:
    app: web
  ports:
    - name: http
      port: 80
      targetPort: http
";

const FANOUT_SERVICES: &str = "\
apiVersion: v1
kind: Service
metadata:
  name: cart
spec:
  selector:
    app: cart
  ports:
    - port: 80
      targetPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: shop
spec:
  selector:
    app: shop
  ports:
    - port: 80
      targetPort: 8080
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: cart
spec:
  replicas: 2
  selector:
    matchLabels:
      app: cart
  template:
    metadata:
      labels:
        app: cart
    spec:
      containers:
        - name: cart
          image: example/cart:2.1
          ports:
            - containerPort: 8080
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
spec:
  replicas: 2
  selector:
    matchLabels:
      app: shop
  template:
    metadata:
      labels:
        app: shop
    spec:
      containers:
        - name: shop
          image: example/shop:3.0
          ports:
            - containerPort: 8080
";

const FANOUT_INGRESS: &str = "\
# Fan-out: one host, two paths, two Services.
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
spec:
  ingressClassName: nginx
  rules:
    - host: shop.example.com
      http:
        paths:
          - path: /cart
            pathType: Prefix
            backend:
              service:
                name: cart
                port:
                  number: 80
          - path: /
            pathType: Prefix
            backend:
              service:
                name: shop
                port:
                  number: 80
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: nginx
spec:
  controller: k8s.io/ingress-nginx
";

const VHOSTS_INGRESS: &str = "\
# Name-based virtual hosts: the Host header picks the Service.
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: vhosts
spec:
  ingressClassName: nginx
  rules:
    - host: cart.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: cart
                port:
                  number: 80
    - host: shop.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: shop
                port:
                  number: 80
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: nginx
spec:
  controller: k8s.io/ingress-nginx
";

const CANARY: &str = "\
# A canary: two Deployments share the label the Service selects, so traffic splits by replica
# count (3 stable : 1 canary, about 75% / 25%).
apiVersion: v1
kind: Service
metadata:
  name: api
spec:
  selector:
    app: api
  ports:
    - port: 80
      targetPort: 8080
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api-stable
spec:
  replicas: 3
  selector:
    matchLabels:
      app: api
      track: stable
  template:
    metadata:
      labels:
        app: api
        track: stable
    spec:
      containers:
        - name: api
          image: example/api:1.4
          ports:
            - containerPort: 8080
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api-canary
spec:
  replicas: 1
  selector:
    matchLabels:
      app: api
      track: canary
  template:
    metadata:
      labels:
        app: api
        track: canary
    spec:
      containers:
        - name: api
          image: example/api:1.5
          ports:
            - containerPort: 8080
";

const MISTAKE_SELECTOR: &str = "\
# Mistake: the Service selects app=web but the pods are labelled app=webapp, so it has no
# endpoints and every connection is refused.
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
    - port: 80
      targetPort: 80
---
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels:
    app: webapp
spec:
  containers:
    - name: web
      image: nginx:1.27
      ports:
        - containerPort: 80
";

const MISTAKE_NAMED_PORT: &str = "\
# Mistake: targetPort names a port no selected container declares (htpp instead of http).
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
    - port: 80
      targetPort: htpp
---
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels:
    app: web
spec:
  containers:
    - name: web
      image: nginx:1.27
      ports:
        - name: http
          containerPort: 80
";

const MISTAKE_NAMES: &str = "\
# Mistakes the API server rejects: an upper-case name, a port out of range, a protocol it does
# not support.
apiVersion: v1
kind: Service
metadata:
  name: My_Service
spec:
  selector:
    app: web
  ports:
    - port: 80800
      protocol: HTTP
";

const MISTAKE_CONFIG_KEY: &str = "\
# Mistake: the env var reads a key its ConfigMap does not have (logLevel instead of log-level).
# The API server accepts it all; the kubelet never starts the container, so the Service has no
# ready endpoint.
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-settings
data:
  log-level: debug
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports:
            - containerPort: 80
          env:
            - name: LOG_LEVEL
              valueFrom:
                configMapKeyRef:
                  name: web-settings
                  key: logLevel
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
    - port: 80
";

/// Every gallery entry, in the order the menu shows them. The first is the default workspace.
pub const GALLERY: &[Example] = &[
    Example {
        id: "seed",
        title: "Seed tutorial (as published)",
        about: "The service-registration tutorial as readers paste it: every problem it has is a diagnostic.",
        broken: true,
        files: &[("manifest.yaml", SEED_TUTORIAL)],
    },
    Example {
        id: "seed-fixed",
        title: "Seed tutorial (corrected)",
        about: "The same tutorial with every point fixed: a selector, a label, a tagged image, separate env name and value.",
        broken: false,
        files: &[("manifest.yaml", SEED_FIXED)],
    },
    Example {
        id: "seed-compare",
        title: "Seed tutorial: both side by side",
        about: "The published tutorial and its corrected version as two tabs.",
        broken: true,
        files: &[("tutorial.yaml", SEED_TUTORIAL), ("corrected.yaml", SEED_FIXED)],
    },
    Example {
        id: "clusterip",
        title: "ClusterIP basics",
        about: "A Service and a Deployment in separate files, joined by labels and a named port.",
        broken: false,
        files: &[("service.yaml", CLUSTERIP_SERVICE), ("deployment.yaml", WEB_DEPLOYMENT)],
    },
    Example {
        id: "nodeport",
        title: "NodePort",
        about: "A Service reachable on every node at port 30080.",
        broken: false,
        files: &[("service.yaml", NODEPORT), ("deployment.yaml", WEB_DEPLOYMENT)],
    },
    Example {
        id: "headless-statefulset",
        title: "Headless StatefulSet",
        about: "clusterIP: None and per-pod DNS names.",
        broken: false,
        files: &[("db.yaml", HEADLESS_STATEFULSET)],
    },
    Example {
        id: "named-ports",
        title: "Named ports",
        about: "targetPort: http resolves per pod to its own container port named http: v1 on 8080, v2 on 9090.",
        broken: false,
        files: &[("service.yaml", NAMED_PORTS_SERVICE), ("deployments.yaml", NAMED_PORTS_DEPLOYMENTS)],
    },
    Example {
        id: "session-affinity",
        title: "Session affinity",
        about: "sessionAffinity: ClientIP pins each client to one pod.",
        broken: false,
        files: &[("service.yaml", SESSION_AFFINITY), ("deployment.yaml", WEB_DEPLOYMENT)],
    },
    Example {
        id: "traffic-local",
        title: "Traffic policy Local",
        about: "externalTrafficPolicy: Local on a NodePort Service.",
        broken: false,
        files: &[("service.yaml", TRAFFIC_LOCAL), ("deployment.yaml", WEB_DEPLOYMENT)],
    },
    Example {
        id: "ingress-fanout",
        title: "Ingress fan-out",
        about: "One host, /cart and / to two Services.",
        broken: false,
        files: &[("ingress.yaml", FANOUT_INGRESS), ("services.yaml", FANOUT_SERVICES)],
    },
    Example {
        id: "ingress-vhosts",
        title: "Ingress name-based virtual hosts",
        about: "Two hosts, two Services.",
        broken: false,
        files: &[("ingress.yaml", VHOSTS_INGRESS), ("services.yaml", FANOUT_SERVICES)],
    },
    Example {
        id: "canary",
        title: "Canary: two Deployments, one Service",
        about: "Traffic splits by ready pods: 3 stable, 1 canary.",
        broken: false,
        files: &[("canary.yaml", CANARY)],
    },
    Example {
        id: "mistake-selector",
        title: "Mistake: selector matches no pods",
        about: "app=web versus app=webapp.",
        broken: true,
        files: &[("manifest.yaml", MISTAKE_SELECTOR)],
    },
    Example {
        id: "mistake-named-port",
        title: "Mistake: named targetPort not declared",
        about: "htpp instead of http.",
        broken: true,
        files: &[("manifest.yaml", MISTAKE_NAMED_PORT)],
    },
    Example {
        id: "mistake-config-key",
        title: "Mistake: ConfigMap key not found",
        about: "logLevel instead of log-level: the pods never start.",
        broken: true,
        files: &[("manifest.yaml", MISTAKE_CONFIG_KEY)],
    },
    Example {
        id: "mistake-validation",
        title: "Mistake: invalid name, port and protocol",
        about: "Errors the API server answers with 422.",
        broken: true,
        files: &[("service.yaml", MISTAKE_NAMES)],
    },
];

/// The gallery entry with this id.
pub fn find(id: &str) -> Option<&'static Example> {
    GALLERY.iter().find(|e| e.id == id)
}

/// Whether `files` are exactly one example's, unedited: nothing of the user's.
pub fn is_pristine(files: &[crate::persist::SavedFile]) -> bool {
    unedited(&files.iter().map(|f| (f.name.as_str(), f.text.as_str()))).is_some()
}

/// The first example whose files these are, unedited (names and texts, in order), if any.
pub fn unedited<'a>(files: &(impl Iterator<Item = (&'a str, &'a str)> + Clone)) -> Option<&'static Example> {
    GALLERY.iter().find(|e| e.is(files.clone()))
}

impl Example {
    /// Whether `files` (names and texts, in order) are this example's, unedited.
    pub fn is<'a>(&self, files: impl Iterator<Item = (&'a str, &'a str)>) -> bool {
        self.files.iter().copied().eq(files)
    }
}

#[cfg(test)]
mod tests {
    use kplay_core::{analyze, Options, Severity, SourceFile};

    use super::*;

    fn analyse(e: &Example) -> kplay_core::Analysis {
        let files: Vec<SourceFile> = e.files.iter().map(|(n, t)| SourceFile::new(*n, *t)).collect();
        analyze(&files, &Options::default())
    }

    #[test]
    fn working_examples_have_no_errors_and_broken_ones_do() {
        for e in GALLERY {
            let a = analyse(e);
            let errors: Vec<_> = a.diagnostics.iter().filter(|d| d.severity == Severity::Error).map(|d| (d.rule, &d.message)).collect();
            if e.broken {
                // Cluster-level mistakes (a selector matching nothing) are warnings: the server
                // accepts them.
                let problems = a.diagnostics.iter().filter(|d| matches!(d.severity, Severity::Error | Severity::Warning)).count();
                assert!(problems > 0, "{}: a mistake example must show an error or a warning", e.id);
            } else {
                assert!(errors.is_empty(), "{}: unexpected errors {errors:?}", e.id);
            }
            assert!(!a.objects.is_empty(), "{}: no objects", e.id);
        }
    }

    /// The ConfigMap mistake is the kubelet's: a warning on the key, and pods that never start.
    #[test]
    fn the_config_key_mistake_shows_on_the_key() {
        let e = find("mistake-config-key").unwrap();
        let a = analyse(e);
        let d: Vec<_> = a.diagnostics.iter().filter(|d| matches!(d.severity, Severity::Error | Severity::Warning)).collect();
        assert_eq!(d.iter().map(|d| d.rule).collect::<Vec<_>>(), ["config-key-not-found"], "{d:?}");
        let text = e.files[0].1;
        assert_eq!(&text[d[0].primary.span.start as usize..d[0].primary.span.end as usize], "logLevel");
        let fixed = text.replace("key: logLevel", "key: log-level");
        let a = analyze(&[SourceFile::new("m.yaml", fixed)], &Options::default());
        assert!(a.diagnostics.iter().all(|d| !matches!(d.severity, Severity::Error | Severity::Warning)), "{:?}", a.diagnostics);
    }

    #[test]
    fn ids_are_unique_and_the_seed_comes_first() {
        assert_eq!(GALLERY[0].id, "seed");
        assert_eq!(GALLERY[0].files[0].1, SEED_TUTORIAL);
        for (i, e) in GALLERY.iter().enumerate() {
            assert!(GALLERY[..i].iter().all(|o| o.id != e.id), "duplicate id {}", e.id);
            assert_eq!(find(e.id), Some(e));
        }
    }

    #[test]
    fn named_ports_resolve_to_each_pods_own_port() {
        let e = find("named-ports").unwrap();
        let files: Vec<SourceFile> = e.files.iter().map(|(n, t)| SourceFile::new(*n, *t)).collect();
        let a = analyze(&files, &Options::default());
        let c = kplay_core::cluster::simulate(&files, &a.objects, &Options::default());
        let mut ports: Vec<i64> = c.slices_of("default", "api").flat_map(|s| s.ports.iter().filter_map(|p| p.port)).collect();
        kplay_core::sort::sort(&mut ports);
        ports.dedup();
        assert_eq!(ports, [8080, 9090], "one slice per port number");
    }

    #[test]
    fn each_example_is_recognised_until_edited() {
        for e in GALLERY {
            assert!(e.is(e.files.iter().copied()));
            assert_eq!(unedited(&e.files.iter().copied()).map(|u| u.id), Some(e.id), "no two examples have the same files");
            let edited = format!("{}\n", e.files[0].1);
            let files = || std::iter::once((e.files[0].0, edited.as_str())).chain(e.files[1..].iter().copied());
            assert!(!e.is(files()) && unedited(&files()).is_none(), "{}: edited", e.id);
            assert!(!e.is(e.files[1..].iter().copied()), "{}: a file removed", e.id);
        }
    }
}
