//! `replicas-over-simulation-limit`: more replicas than kplay simulates.

use crate::diagnostic::Severity;
use crate::rules::{Rule, Stage};

pub static REPLICAS_OVER_SIMULATION_LIMIT: Rule = Rule {
    name: "replicas-over-simulation-limit",
    severity: Severity::Warning,
    stage: Stage::Cluster,
    summary: "A workload asks for more replicas than kplay simulates; only the first ones are created.",
    docs: rule_docs!(
        r#"## What it does
Caps the pods created for one workload at `max-replicas-per-workload` (10,000 by default, in the
`[cluster]` settings) and says so, instead of allocating an absurd number of simulated pods.

## Why is this bad?
The API server accepts any `replicas` up to 2^31-1, but a cluster cannot run that many pods
(Kubernetes is tested up to 150,000 pods in all). A huge number is usually a typo.

## Example
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1000000
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
```

## Use instead
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 10
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
```

## References
- Considerations for large clusters: <https://kubernetes.io/docs/setup/best-practices/cluster-large/>
"#
    ),
    spec: &[],
    check: None,
};
