//! B3010: a tailnet hostname claimed twice.
//!
//! A host's device, an app's exposure (a Tailscale Ingress or LoadBalancer) and a Tailscale
//! Service (`service NAME`, a virtual IP) each take a MagicDNS name on the tailnet, `<name>.<tailnet domain>`, in one namespace. Two claims of one name cannot both be
//! satisfied: Tailscale renames the second device (`feed-1`), and everything that addresses the
//! name reaches whichever came first. Names are compared without regard to case, as DNS does.
//! Claims are taken in declaration order (file path, then position); every claim after the first
//! is reported, pointing at it and at the first.

use indexmap::IndexMap;

use crate::diagnostic::{codes, Diagnostic};
use crate::model::Model;
use crate::source::Span;

/// One claim of a hostname.
struct Claim<'m> {
    /// The name as written.
    hostname: &'m str,
    /// Where the claim is made.
    span: Span,
    /// What makes it, for messages: `host nas (its device)`.
    what: String,
    /// Declaration order: the declaring entity's file and position.
    order: (&'m str, u32),
}

/// Reports every hostname claimed more than once.
pub fn check(model: &Model, out: &mut Vec<Diagnostic>) {
    let mut claims = Vec::new();
    for h in &model.hosts {
        claims.push(Claim {
            hostname: &h.device,
            span: h.origin.span,
            what: format!("{} (its device name)", h.origin.decl),
            order: (&h.origin.file, h.origin.span.start),
        });
    }
    for s in &model.services {
        claims.push(Claim {
            hostname: &s.name,
            span: s.origin.span,
            what: format!("{} (a Tailscale Service)", s.origin.decl),
            order: (&s.origin.file, s.origin.span.start),
        });
    }
    for a in &model.apps {
        // A Tailscale LoadBalancer Service is a device of its own on the tailnet.
        if let (Some(hostname), true) = (
            &a.service.hostname,
            a.service.enabled && !a.ports.is_empty(),
        ) {
            claims.push(Claim {
                hostname,
                span: a.origin.span,
                what: format!("{} (its Tailscale Service)", a.origin.decl),
                order: (&a.origin.file, a.origin.span.start),
            });
        }
        for e in a.tailnet_exposures() {
            // An exposure written in another file (a template's body) is shown at the app.
            let span = if e.span.file == a.origin.span.file {
                e.span
            } else {
                a.origin.span
            };
            claims.push(Claim {
                hostname: e.hostname,
                span,
                what: format!("{} (its tailnet exposure)", a.origin.decl),
                order: (&a.origin.file, a.origin.span.start),
            });
        }
    }
    claims.sort_by(|a, b| a.order.cmp(&b.order));

    let mut first: IndexMap<String, &Claim> = IndexMap::new();
    for claim in &claims {
        let key = claim.hostname.to_ascii_lowercase();
        let Some(earlier) = first.get(&key) else {
            first.insert(key, claim);
            continue;
        };
        out.push(diagnostic(model, earlier, claim));
    }
}

fn diagnostic(model: &Model, first: &Claim, second: &Claim) -> Diagnostic {
    let name = second.hostname;
    let mut d = Diagnostic::error(
        codes::B3010,
        format!("tailnet hostname `{name}` is claimed twice"),
        second.span,
    )
    .with_label(format!("`{name}` claimed again by {}", second.what))
    .with_secondary(
        first.span,
        format!("`{}` first claimed by {}", first.hostname, first.what),
    );
    if let Some(t) = &model.tailnet {
        d = d.with_note(format!(
            "hosts, exposed apps and Tailscale Services share the tailnet's names: both would be `{}.{}`",
            name.to_ascii_lowercase(),
            t.domain
        ));
    } else {
        d = d.with_note("hosts, exposed apps and Tailscale Services share the tailnet's names");
    }
    d.with_help(
        "rename one of them: a host's `device`, an exposure's `hostname` or a service's name",
    )
}
