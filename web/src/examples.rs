//! Example manifests shown in the playground.

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
