//! B3017: a name that the tailnet rejects.
//!
//! - A host's device name is its MagicDNS name (`<device>.<tailnet domain>`), which Pulumi looks
//!   the device up by and Ansible connects to; an exposure's hostname becomes the TLS host of a
//!   Tailscale Ingress, which Kubernetes validates as a DNS name and the Tailscale operator turns
//!   into a device name. Both must be DNS-1123 labels: lowercase letters, digits and `-`, at most
//!   63 characters. A hostname that is only the app's name by default is not reported when the
//!   app's name already is (B3016).
//! - A tag name must start with a letter and hold only letters, digits and `-` (Tailscale's
//!   `CheckTag`); the policy with any other tag is refused when it is applied.
//! - An SSH rule's user must not be empty or contain white space.
//! - The tailnet's domain is a DNS name of two labels or more (`tail1234.ts.net`), and a user's
//!   login is `name@provider`.

use crate::diagnostic::{codes, Diagnostic};
use crate::model::Model;

use super::valid;

/// Reports the tailnet's domain, logins, device names, exposure hostnames, tags and SSH users
/// that the tailnet rejects.
pub fn check(model: &Model, out: &mut Vec<Diagnostic>) {
    if let Some(tailnet) = &model.tailnet {
        // A domain that was not written is missing, which the checker reported (B2003).
        let written =
            !tailnet.domain.is_empty() || model.spans.get(&tailnet.origin, "domain").is_some();
        if let (true, Err(why)) = (written, valid::tailnet_domain(&tailnet.domain)) {
            out.push(
                Diagnostic::error(
                    codes::B3017,
                    format!("`{}` is not a valid tailnet domain", tailnet.domain),
                    model.spans.at(&tailnet.origin, "domain"),
                )
                .with_label(why)
                .with_note("every device's MagicDNS name is `<device>.<domain>`, which Pulumi looks devices up by and Ansible connects to")
                .with_help("copy the tailnet's DNS name from the admin console's DNS page, for example `tail1234.ts.net`"),
            );
        }
    }
    for user in &model.users {
        let written = !user.email.is_empty() || model.spans.get(&user.origin, "email").is_some();
        if let (true, Err(why)) = (written, valid::login(&user.email)) {
            out.push(
                Diagnostic::error(
                    codes::B3017,
                    format!("`{}` is not a valid login for user `{}`", user.email, user.name),
                    model.spans.at(&user.origin, "email"),
                )
                .with_label(why)
                .with_note("the policy names a user by the login they sign in to the tailnet with")
                .with_help("write the login as the admin console's user list shows it, for example `alice@example.com`"),
            );
        }
    }
    for host in &model.hosts {
        let Err(why) = valid::dns_label(&host.device) else {
            continue;
        };
        let defaulted = model.spans.get(&host.origin, "device").is_none();
        let what = if defaulted {
            format!("host `{}` has no `device`, so its device name is its own name `{}`, which is not a valid tailnet name", host.name, host.device)
        } else {
            format!(
                "device name `{}` of host `{}` is not a valid tailnet name",
                host.device, host.name
            )
        };
        let help = match valid::dns_label_like(&host.device) {
            Some(s) => format!("set the host's device name as the tailnet shows it, for example `device = \"{s}\"`"),
            None => "set the host's device name as the tailnet shows it: `device = \"...\"`".to_string(),
        };
        out.push(
            Diagnostic::error(codes::B3017, what, model.spans.at(&host.origin, "device"))
                .with_label(why)
                .with_note("the device name is the host's MagicDNS name, which Pulumi looks the device up by and Ansible connects to; it is a DNS label: lowercase letters, digits and `-`, at most 63 characters")
                .with_help(help),
        );
    }
    for app in &model.apps {
        let Some(expose) = &app.expose else {
            continue;
        };
        let Err(why) = valid::dns_label(&expose.hostname) else {
            continue;
        };
        let given = model.spans.get(&app.origin, "expose.hostname").is_some();
        if !given && expose.hostname == app.name && valid::dns_label(&app.name).is_err() {
            continue;
        }
        let span = match model.spans.get(&app.origin, "expose.hostname") {
            Some(span) if span.file == app.origin.span.file => span,
            _ if expose.span.file == app.origin.span.file => expose.span,
            _ => app.origin.span,
        };
        let first = expose.hostname.split('.').next().unwrap_or_default();
        let help = match valid::dns_label_like(first).or_else(|| Some(first.to_string())) {
            Some(s) if expose.hostname.contains('.') && valid::dns_label(&s).is_ok() => {
                format!("write the first label only, `{s}`: the tailnet's domain is added to it")
            }
            _ => match valid::dns_label_like(&expose.hostname) {
                Some(s) => format!("use a single lowercase DNS label, for example `{s}`"),
                None => "use a single lowercase DNS label".to_string(),
            },
        };
        out.push(
            Diagnostic::error(
                codes::B3017,
                format!("hostname `{}` of app `{}` is not a valid tailnet name", expose.hostname, app.name),
                span,
            )
            .with_label(why)
            .with_note("the hostname is the first label of the app's tailnet name (`<hostname>.<tailnet domain>`) and the TLS host of its Tailscale Ingress; it is a DNS label: lowercase letters, digits and `-`, at most 63 characters")
            .with_help(help),
        );
    }
    // The hostnames of exposures an app's chart produces.
    for app in &model.apps {
        for exposure in &app.produces.exposures {
            let Err(why) = valid::dns_label(&exposure.hostname) else {
                continue;
            };
            let help = match valid::dns_label_like(&exposure.hostname) {
                Some(s) => format!("use a single lowercase DNS label, for example `{s}`"),
                None => "use a single lowercase DNS label".to_string(),
            };
            out.push(
                Diagnostic::error(
                    codes::B3017,
                    format!("hostname `{}` of app `{}` is not a valid tailnet name", exposure.hostname, app.name),
                    exposure.span,
                )
                .with_label(why)
                .with_note("the hostname is the first label of the exposure's tailnet name (`<hostname>.<tailnet domain>`); it is a DNS label: lowercase letters, digits and `-`, at most 63 characters")
                .with_help(help),
            );
        }
    }
    for tag in &model.tags {
        let Err(why) = valid::tag_name(&tag.name) else {
            continue;
        };
        let help = match valid::dns_label_like(&tag.name) {
            Some(s) => format!("rename the tag, for example to `{s}`"),
            None => "rename the tag".to_string(),
        };
        out.push(
            Diagnostic::error(
                codes::B3017,
                format!("`tag:{}` is not a valid Tailscale tag", tag.name),
                tag.origin.span,
            )
            .with_label(why)
            .with_note(
                "a Tailscale tag name starts with a letter and holds only letters, digits and `-`",
            )
            .with_help(help),
        );
    }
    for rule in &model.ssh_rules {
        for user in &rule.users {
            if !user.is_empty() && !user.chars().any(char::is_whitespace) {
                continue;
            }
            let why = if user.is_empty() {
                "the user is empty"
            } else {
                "the user contains white space"
            };
            out.push(
                Diagnostic::error(
                    codes::B3017,
                    format!(
                        "SSH rule `{}` names the user `{user}`, which is not a valid user name",
                        rule.name
                    ),
                    model.spans.at(&rule.origin, &format!("users.{user}")),
                )
                .with_label(why)
                .with_help("name a local user (`root`, `deploy`) or use `autogroup.nonroot`"),
            );
        }
    }
}
