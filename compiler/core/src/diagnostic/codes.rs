//! The registry of stable diagnostic codes and their explanations.
//!
//! Codes are grouped by the stage that raises them: `B0xxx` syntax, `B1xxx` projects, modules and
//! names, `B2xxx` types and evaluation, `B3xxx` the domain rules across the tailnet, hosts and
//! workloads. A code never changes meaning once released. Each code has an explanation file in
//! `compiler/core/errors/`, printed by `bopsc explain`, whose example a test compiles to check that it
//! raises that very code.

use std::fmt;

/// A stable diagnostic code such as `B3001`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Code(pub &'static str);

impl Code {
    /// The code as text, for example `B3001`.
    pub fn as_str(self) -> &'static str {
        self.0
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// One registered code.
#[derive(Debug)]
pub struct CodeInfo {
    /// The code.
    pub code: Code,
    /// A short title.
    pub title: &'static str,
    /// The explanation in Markdown: what it means, why, an example that raises it, how to fix it.
    pub explanation: &'static str,
}

macro_rules! codes {
    ($($name:ident => $title:literal,)*) => {
        $(
            #[doc = $title]
            pub const $name: Code = Code(stringify!($name));
        )*
        /// Every registered code, in order.
        pub static ALL: &[CodeInfo] = &[
            $(CodeInfo {
                code: $name,
                title: $title,
                explanation: include_str!(concat!("../../errors/", stringify!($name), ".md")),
            },)*
        ];
    };
}

codes! {
    B0001 => "syntax error",
    B0002 => "unterminated string or comment",
    B0003 => "invalid character",
    B0004 => "malformed literal",
    B0005 => "unclosed delimiter",
    B1001 => "cannot find a name",
    B1002 => "duplicate declaration",
    B1003 => "imported module not found",
    B1004 => "import cycle",
    B1005 => "invalid project manifest",
    B1006 => "evaluation cycle",
    B1007 => "unknown declaration kind",
    B1008 => "malformed attribute",
    B1009 => "code that cannot be allowed",
    B2001 => "type mismatch",
    B2002 => "unknown field",
    B2003 => "missing required field",
    B2004 => "wrong arguments",
    B2005 => "value out of range",
    B2006 => "invalid value",
    B2007 => "secret used where a plain value is needed",
    B2008 => "no such field on a value",
    B2009 => "evaluation limit exceeded",
    B2010 => "clause not allowed on this declaration",
    B2011 => "not callable",
    B2012 => "unknown type",
    B3001 => "undeclared tag",
    B3002 => "undeclared host",
    B3003 => "undeclared cluster",
    B3004 => "undeclared app",
    B3005 => "undeclared secret",
    B3006 => "undeclared entity",
    B3007 => "undeclared secret key",
    B3010 => "tailnet hostname claimed twice",
    B3011 => "grant to a port nothing exposes",
    B3012 => "exposed port not declared by the app",
    B3013 => "tailnet missing or declared twice",
    B3014 => "no repository for Argo CD",
    B3015 => "host without tags named by the policy",
    B3016 => "name that Kubernetes rejects",
    B3017 => "name that the tailnet rejects",
    B3018 => "reserved name",
    B3019 => "two declarations share a generated name",
    B3020 => "port declared twice in an app",
    B3021 => "name that Ansible rejects",
    B3022 => "host group cycle",
    B3023 => "environment variable name that cannot be read",
    B3024 => "role parameter without the role's prefix",
    B3025 => "empty value where a target needs one",
    B3026 => "probe on a port its container does not serve",
    B3027 => "resource request above its limit",
    B3028 => "invalid IP address or CIDR",
    B3029 => "invalid capability name",
    B3030 => "invalid posture condition",
    B3031 => "IP set cycle",
    B3032 => "selector not allowed here",
    B3033 => "tagged host with an owner",
    B3034 => "policy entry without effect",
    B3035 => "protocol conflict in a rule",
    B3036 => "conflicting tailnet DNS settings",
    B3037 => "malformed domain name",
    B3038 => "invalid DNS record",
    B3039 => "auth key that Tailscale refuses",
    B3040 => "DNS zones or records that collide",
    B3050 => "policy test fails",
    B3051 => "policy test names nothing to evaluate",
    B3052 => "policy test undecided offline",
    B3053 => "group no rule uses",
    B3054 => "grant made redundant by a broader one",
    B3055 => "tag that nothing carries",
    B3056 => "role defaults disagree with the declaration",
    B3057 => "notified handler not found",
    B3060 => "Service that selects none of the app's pods",
    B3061 => "Service target port that no container serves",
    B3062 => "Ingress backend that the app does not have",
    B3063 => "Secret key that the app's Secret does not have",
    B3064 => "ConfigMap key that the app's ConfigMap does not have",
    B3065 => "claim that cannot bind to its volume",
    B3066 => "service account that the app does not declare",
    B3067 => "object outside its app's namespace",
    B3068 => "cluster-local name of another cluster's Service",
    B3069 => "mount of a volume the pod does not have",
    B3070 => "Argo CD source that Argo CD cannot read",
    B3071 => "Helm value file from an unknown source",
    B3072 => "ignored difference that ignores nothing",
    B3073 => "manifests directory that is not a directory name",
    B3080 => "project file that the project does not have",
    B3081 => "workload setting of an app without an image",
    B3100 => "allow that silences nothing",
    B3101 => "secret nothing reads",
    B3102 => "secret key nothing reads",
    B3103 => "role nothing applies",
    B3104 => "repository nothing deploys from",
    B3105 => "cluster without apps",
    B3106 => "network no rule names",
    B3107 => "IP set no rule names",
    B3108 => "posture no rule requires",
    B3109 => "tag named nowhere",
    B3090 => "rule that opens an exposure beyond its audience",
    B3091 => "audience that no rule lets reach its exposure",
    B3092 => "literal grant port that a destination declares by name",
    B3093 => "literal port that the app declares by name",
    B3094 => "literal port that the host declares by name",
    B3095 => "audience that cannot be proved offline",
    B3110 => "literal tailnet hostname that a reference gives",
    B3111 => "literal forge URL that a reference gives",
    B3112 => "repository URL on a declared forge",
    B3113 => "literal public hostname that a record gives",
    B3114 => "repository URL given twice or not at all",
    B3115 => "forge URL that is not a URL",
    B3120 => "host address that is not its tailnet device",
    B3121 => "managed host the Ansible controller cannot reach",
    B3122 => "managed host the Ansible controller cannot log in to",
    B3123 => "Ansible controller declared twice",
    B3124 => "host-local port used from another declaration",
    B3125 => "local port that the host does not declare",
}

/// The registered code with this text, if any (case-insensitive).
pub fn lookup(code: &str) -> Option<&'static CodeInfo> {
    ALL.iter().find(|c| c.code.0.eq_ignore_ascii_case(code))
}
