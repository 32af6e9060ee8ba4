//! `image-tag-latest`: an image without a tag (or tagged `latest`) and no pull policy.

use crate::diagnostic::Severity;
use crate::rules::formats::image_tag;
use crate::rules::pod::util::containers;
use crate::rules::{Ctx, Rule, Sink, Stage};

pub static IMAGE_TAG_LATEST: Rule = Rule {
    name: "image-tag-latest",
    severity: Severity::Info,
    stage: Stage::Lint,
    summary: "The image has no tag (or `latest`), so it means `:latest` and the pull policy defaults to `Always`.",
    docs: rule_docs!(
        r#"## What it does
Notes containers whose image has no tag and no digest, or the tag `latest`, when no
`imagePullPolicy` is written. The API server reads `my-image` as `my-image:latest` and defaults
`imagePullPolicy` to `Always`.

## Why is this bad?
`latest` is not a version: two nodes may run different images under the same name, a rollback
cannot go back to "the previous latest", and every start pulls from the registry.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: my-pod
spec:
  containers:
    - name: my-container
      image: my-image
```

## Use instead
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: my-pod
spec:
  containers:
    - name: my-container
      image: my-image:1.4.2
```

## References
- Images, "Image pull policy": <https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy>
"#
    ),
    spec: &[],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = crate::rules::pod::util::pod_spec(ctx) else { return };
    for (_, c) in containers(&spec) {
        let Some(img) = c.field("image") else { continue };
        let Some(text) = img.str() else { continue };
        // Only when the user left the pull policy to the default.
        if c.field("imagePullPolicy").is_some_and(|p| !p.node.synthetic) {
            continue;
        }
        if image_tag(text).as_deref() != Some("latest") {
            continue;
        }
        let has_tag = text.rsplit('/').next().is_some_and(|last| last.contains(':'));
        let msg = if has_tag {
            format!("image `{text}` uses the tag `latest`, so the pull policy defaults to `Always`")
        } else {
            format!("image `{text}` has no tag, so it means `{text}:latest` and the pull policy defaults to `Always`")
        };
        sink.report(img.span(), msg)
            .help("pin a version tag (e.g. `my-image:1.4.2`) or a digest; set `imagePullPolicy` if you rely on `latest`");
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::pod::util::pod_with;

    fn count(y: &str) -> usize {
        let a = crate::analyze(&[crate::SourceFile::new("t.yaml", y)], &crate::Options::default());
        a.diagnostics.iter().filter(|d| d.rule == "image-tag-latest").count()
    }

    #[test]
    fn table() {
        assert_eq!(count(&pod_with("  containers:\n  - name: web\n    image: my-image\n")), 1);
        assert_eq!(count(&pod_with("  containers:\n  - name: web\n    image: nginx:latest\n")), 1);
        assert_eq!(count(&pod_with("  containers:\n  - name: web\n    image: nginx:1.27\n")), 0);
        assert_eq!(count(&pod_with("  containers:\n  - name: web\n    image: nginx\n    imagePullPolicy: Always\n")), 0);
    }
}
