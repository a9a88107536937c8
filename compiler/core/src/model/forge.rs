//! Git forges: where the project's repositories live, and the URLs derived from them.
//!
//! A `forge` declares its web URL and, optionally, the base of its SSH clone URLs; a `repo` on it
//! names only its path. Every URL of a repository (the clone URL Argo CD and playbooks use, the
//! HTTPS clone URL, the web page) is derived here, in one place, so that the checker (for
//! `repo.X.url`) and the lowering (for the model's `Repo::url`) give the same bytes.

use super::Origin;

/// A Git forge (Forgejo, Gitea, GitLab, ...).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Forge {
    /// Where it was declared.
    pub origin: Origin,
    /// The declaration's name.
    pub name: String,
    /// The web URL, `https://forge.example.com`, without a trailing slash.
    pub web: String,
    /// The base of SSH clone URLs, `ssh://git@forge.example.com:2222`, without a trailing slash.
    pub ssh: Option<String>,
}

impl Forge {
    /// The host name of the web URL: `forge.example.com`.
    pub fn host(&self) -> &str {
        url_host(&self.web).unwrap_or_default()
    }

    /// The clone URL of the repository at `path`: over SSH when the forge has an SSH base,
    /// else over HTTPS.
    pub fn clone_url(&self, path: &str) -> String {
        clone_url(&self.web, self.ssh.as_deref(), path)
    }
}

/// The clone URL of `path` on a forge with this web URL and SSH base: `<ssh>/<path>.git`, or
/// `<web>/<path>.git` when the forge has no SSH base.
pub fn clone_url(web: &str, ssh: Option<&str>, path: &str) -> String {
    match ssh {
        Some(ssh) => format!("{}/{}.git", trim(ssh), trim_path(path)),
        None => https_url(web, path),
    }
}

/// The HTTPS clone URL of `path`: `<web>/<path>.git`.
pub fn https_url(web: &str, path: &str) -> String {
    format!("{}/{}.git", trim(web), trim_path(path))
}

/// The web page of `path`: `<web>/<path>`.
pub fn web_url(web: &str, path: &str) -> String {
    format!("{}/{}", trim(web), trim_path(path))
}

/// The host of a URL, `scheme://[user@]host[:port][/...]`, lower-cased by nobody: as written.
/// `None` when the text has no `scheme://` or no host.
pub fn url_host(url: &str) -> Option<&str> {
    let (_, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = match host_port.rsplit_once(':') {
        Some((host, port)) if port.chars().all(|c| c.is_ascii_digit()) => host,
        _ => host_port,
    };
    (!host.is_empty()).then_some(host)
}

/// Why a forge URL cannot be used, if it cannot: `web` is `http(s)://host[/prefix]`, `ssh` is
/// `ssh://[user@]host[:port][/prefix]`.
pub fn url_problem(url: &str, schemes: &[&str]) -> Option<String> {
    let Some((scheme, _)) = url.split_once("://") else {
        return Some(format!(
            "not a URL: it starts with none of {}",
            schemes
                .iter()
                .map(|s| format!("`{s}://`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    };
    if !schemes.contains(&scheme) {
        return Some(format!(
            "the scheme `{scheme}` is not one of {}",
            schemes.join(", ")
        ));
    }
    let Some(host) = url_host(url) else {
        return Some("the URL has no host".to_string());
    };
    if host.contains(|c: char| c.is_whitespace() || c == ':') {
        return Some(format!("`{host}` is not a host name"));
    }
    if url.contains(['?', '#']) {
        return Some("a forge URL has no query or fragment".to_string());
    }
    None
}

fn trim(base: &str) -> &str {
    base.trim_end_matches('/')
}

fn trim_path(path: &str) -> &str {
    path.trim_matches('/').trim_end_matches(".git")
}

#[cfg(test)]
mod tests {
    use super::{clone_url, https_url, url_host, url_problem, web_url};

    #[test]
    fn derives_the_urls_of_a_path() {
        let web = "https://forge.ops.eblu.me/";
        let ssh = Some("ssh://forgejo@forge.ops.eblu.me:2222");
        assert_eq!(
            clone_url(web, ssh, "eblume/blumeops"),
            "ssh://forgejo@forge.ops.eblu.me:2222/eblume/blumeops.git"
        );
        assert_eq!(
            clone_url(web, None, "/eblume/blumeops.git"),
            "https://forge.ops.eblu.me/eblume/blumeops.git"
        );
        assert_eq!(
            https_url(web, "eblume/blumeops"),
            "https://forge.ops.eblu.me/eblume/blumeops.git"
        );
        assert_eq!(
            web_url(web, "eblume/blumeops"),
            "https://forge.ops.eblu.me/eblume/blumeops"
        );
    }

    #[test]
    fn finds_the_host() {
        assert_eq!(
            url_host("ssh://git@forge.example:2222/x"),
            Some("forge.example")
        );
        assert_eq!(url_host("https://forge.example"), Some("forge.example"));
        assert_eq!(url_host("https://[::1]:80"), Some("[::1]"));
        assert_eq!(url_host("forge.example"), None);
        assert_eq!(url_host("https://"), None);
    }

    #[test]
    fn refuses_what_is_not_a_forge_url() {
        assert!(url_problem("https://forge.example", &["https", "http"]).is_none());
        assert!(url_problem("forge.example", &["https", "http"]).is_some());
        assert!(url_problem("ftp://forge.example", &["https", "http"]).is_some());
        assert!(url_problem("https://forge.example/?x", &["https", "http"]).is_some());
        assert!(url_problem("ssh://", &["ssh"]).is_some());
    }
}
