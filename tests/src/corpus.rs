//! A generated, realistic corpus of manifests for benchmarks: one app per file (a Deployment, its
//! Service, sometimes an Ingress), plus StatefulSets with headless Services, Jobs and bare Pods,
//! with a small share of typical mistakes.

use kplay_core::SourceFile;

/// Files holding at least `objects` objects in all.
pub fn generate(objects: usize) -> Vec<SourceFile> {
    let mut files = Vec::new();
    let mut n = 0;
    let mut i = 0;
    while n < objects {
        let ns = format!("team-{}", i % 20);
        let name = format!("app-{i}");
        let (text, count) = match i % 10 {
            0..=5 => (web_app(&ns, &name, i), if i % 3 == 0 { 3 } else { 2 }),
            6 => (stateful(&ns, &name), 2),
            7 => (job(&ns, &name), 1),
            8 => (pod(&ns, &name, i), 1),
            _ => (broken(&ns, &name), 2),
        };
        files.push(SourceFile::new(format!("corpus/{ns}/{name}.yaml"), text));
        n += count;
        i += 1;
    }
    files
}

fn web_app(ns: &str, name: &str, i: usize) -> String {
    let mut s = format!(
        r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  namespace: {ns}
  labels:
    app: {name}
spec:
  replicas: {replicas}
  selector:
    matchLabels:
      app: {name}
  template:
    metadata:
      labels:
        app: {name}
        tier: web
    spec:
      containers:
      - name: web
        image: registry.example/{name}:1.{i}
        ports:
        - name: http
          containerPort: 8080
        env:
        - name: LOG_LEVEL
          value: info
        - name: POD_IP
          valueFrom:
            fieldRef:
              fieldPath: status.podIP
        resources:
          requests:
            cpu: 100m
            memory: 128Mi
          limits:
            memory: 256Mi
        readinessProbe:
          httpGet:
            path: /healthz
            port: http
          periodSeconds: 5
---
apiVersion: v1
kind: Service
metadata:
  name: {name}
  namespace: {ns}
spec:
  selector:
    app: {name}
  ports:
  - name: http
    port: 80
    targetPort: http
"#,
        replicas = 1 + i % 3
    );
    if i.is_multiple_of(3) {
        s.push_str(&format!(
            r#"---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {name}
  namespace: {ns}
spec:
  ingressClassName: nginx
  rules:
  - host: {name}.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: {name}
            port:
              name: http
"#
        ));
    }
    s
}

fn stateful(ns: &str, name: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: Service
metadata:
  name: {name}
  namespace: {ns}
spec:
  clusterIP: None
  selector:
    app: {name}
  ports:
  - name: pg
    port: 5432
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: {name}
  namespace: {ns}
spec:
  serviceName: {name}
  replicas: 3
  selector:
    matchLabels:
      app: {name}
  template:
    metadata:
      labels:
        app: {name}
    spec:
      containers:
      - name: db
        image: postgres:16.4
        ports:
        - name: pg
          containerPort: 5432
        volumeMounts:
        - name: data
          mountPath: /var/lib/postgresql/data
  volumeClaimTemplates:
  - metadata:
      name: data
    spec:
      accessModes: [ReadWriteOnce]
      resources:
        requests:
          storage: 1Gi
"#
    )
}

fn job(ns: &str, name: &str) -> String {
    format!(
        r#"apiVersion: batch/v1
kind: Job
metadata:
  name: {name}
  namespace: {ns}
spec:
  backoffLimit: 2
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: task
        image: busybox:1.36
        command: ["sh", "-c", "echo done"]
"#
    )
}

fn pod(ns: &str, name: &str, i: usize) -> String {
    format!(
        r#"apiVersion: v1
kind: Pod
metadata:
  name: {name}
  namespace: {ns}
  labels:
    app: {name}
spec:
  containers:
  - name: main
    image: nginx:1.27
    ports:
    - containerPort: {port}
"#,
        port = 8000 + i % 1000
    )
}

/// Typical mistakes: a port name with an underscore, an env name with `=`, a selector that
/// matches nothing, an unquoted `yes`.
fn broken(ns: &str, name: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: Service
metadata:
  name: {name}
  namespace: {ns}
spec:
  selector:
    app: {name}-missing
  ports:
  - name: http_web
    port: 80
    targetPort: 8080
---
apiVersion: v1
kind: Pod
metadata:
  name: {name}
  namespace: {ns}
  labels:
    app: {name}
spec:
  containers:
  - name: main
    image: nginx
    env:
    - name: A=b
    - name: ENABLED
      value: yes
"#
    )
}
