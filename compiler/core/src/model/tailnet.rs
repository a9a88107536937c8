//! The tailnet layer of the model: people, tags, the policy and the resources beside it.

use indexmap::IndexMap;

use crate::source::Span;

use super::{Data, Origin};

/// The tailnet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tailnet {
    /// Where it was declared.
    pub origin: Origin,
    /// The declaration's name.
    pub name: String,
    /// The MagicDNS domain, for example `tail1234.ts.net`.
    pub domain: String,
    /// Network-wide options of the policy file.
    pub options: PolicyOptions,
    /// Whether the first `pulumi up` may replace a policy the tailnet already has
    /// (`overwrite_existing_content` of `tailscale.Acl`).
    pub replace_existing_policy: bool,
}

/// A person on the tailnet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    /// Where it was declared.
    pub origin: Origin,
    /// The declaration's name.
    pub name: String,
    /// The login, for example `alice@example.com`.
    pub email: String,
    /// Whether the user is an admin of the tailnet (`autogroup:admin`).
    pub admin: bool,
}

/// A `group:` of the policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    /// Where it was declared.
    pub origin: Origin,
    /// The group's name, without `group:`.
    pub name: String,
    /// Its members' user declaration names, in order.
    pub members: Vec<String>,
}

/// A tag and its owners.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tag {
    /// Where it was declared.
    pub origin: Origin,
    /// The tag's name, without `tag:`.
    pub name: String,
    /// Who may apply it.
    pub owners: Vec<Selector>,
}

/// Something a policy rule names: a source, a destination or an owner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selector {
    /// What it names.
    pub principal: Principal,
    /// Where it was written.
    pub span: Span,
}

impl Selector {
    /// The tag it names (without `tag:`), if it names one.
    pub fn tag(&self) -> Option<&str> {
        match &self.principal {
            Principal::Tag(t) => Some(t),
            _ => None,
        }
    }
}

/// The things a policy can name.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Principal {
    /// `*`
    Any,
    /// A user, by declaration name.
    User(String),
    /// `user:*@DOMAIN`: every user whose login is in a domain (lowercase).
    UsersAt(String),
    /// `group:NAME`
    Group(String),
    /// `tag:NAME`
    Tag(String),
    /// `autogroup:NAME` (`member`, `admin`, `self`, `tagged`, `nonroot`, `internet`, ...).
    Autogroup(String),
    /// A host declaration, written in the policy's `hosts` section under its name.
    Host(String),
    /// A `network` declaration: a named IP address or CIDR range, the policy's `hosts` section.
    Network(String),
    /// An IP address, CIDR range or `a-b` address range written as a literal (`ip("10.0.0.0/8")`).
    Ip(String),
    /// `ipset:NAME`, an `ipset` declaration.
    IpSet(String),
    /// `svc:NAME`, a Tailscale VIP service.
    Service(String),
}

/// A protocol and port range of a grant's `ip` list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortSpec {
    /// `None` for any protocol.
    pub proto: Option<Proto>,
    /// The ports.
    pub ports: PortRange,
    /// Where it was written.
    pub span: Span,
}

/// IP protocols.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Proto {
    /// `tcp`
    Tcp,
    /// `udp`
    Udp,
    /// `icmp`
    Icmp,
    /// `sctp`
    Sctp,
    /// Another protocol by its IANA number, `proto(47)` (GRE); never 1, 6, 17 or 132, which are
    /// the named ones.
    Number(u8),
}

impl Proto {
    /// The protocol with an IANA number: the named variant for ICMP (1), TCP (6), UDP (17) and
    /// SCTP (132), else `Number`.
    pub fn from_number(number: u8) -> Proto {
        match number {
            1 => Proto::Icmp,
            6 => Proto::Tcp,
            17 => Proto::Udp,
            132 => Proto::Sctp,
            n => Proto::Number(n),
        }
    }

    /// How the policy writes it: `tcp`, `udp`, `icmp`, `sctp`, or the IANA number (`47`), which
    /// Tailscale accepts for every protocol.
    pub fn name(self) -> String {
        match self {
            Proto::Tcp => "tcp".to_string(),
            Proto::Udp => "udp".to_string(),
            Proto::Icmp => "icmp".to_string(),
            Proto::Sctp => "sctp".to_string(),
            Proto::Number(n) => n.to_string(),
        }
    }

    /// Its IANA number.
    pub fn number(self) -> u8 {
        match self {
            Proto::Icmp => 1,
            Proto::Tcp => 6,
            Proto::Udp => 17,
            Proto::Sctp => 132,
            Proto::Number(n) => n,
        }
    }

    /// Whether the protocol has ports (TCP, UDP and SCTP); a rule for another is on every port.
    pub fn has_ports(self) -> bool {
        matches!(self, Proto::Tcp | Proto::Udp | Proto::Sctp)
    }

    /// Whether `*`, a bare port and an ACL without `proto` cover it: Tailscale's default
    /// protocols are TCP, UDP and ICMP.
    pub fn is_default(self) -> bool {
        matches!(self, Proto::Tcp | Proto::Udp | Proto::Icmp)
    }
}

/// Ports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PortRange {
    /// `*`
    Any,
    /// One port.
    One(u16),
    /// An inclusive range.
    Range(u16, u16),
}

impl PortRange {
    /// Whether the range includes a port.
    pub fn contains(self, port: u16) -> bool {
        match self {
            PortRange::Any => true,
            PortRange::One(p) => p == port,
            PortRange::Range(a, b) => a <= port && port <= b,
        }
    }
}

/// A grant.
#[derive(Clone, Debug, PartialEq)]
pub struct Grant {
    /// Where it was declared.
    pub origin: Origin,
    /// The declaration's name (kept as a comment in the policy).
    pub name: String,
    /// Sources.
    pub src: Vec<Selector>,
    /// Destinations.
    pub dst: Vec<Selector>,
    /// Protocols and ports; empty means `*`, except in a grant with `app` capabilities, which then
    /// opens no port.
    pub ip: Vec<PortSpec>,
    /// Application capabilities: capability name (`tailscale.com/cap/...`) to its values, raw
    /// JSON-like data typed only at the boundary.
    pub app: IndexMap<String, Vec<Data>>,
    /// `srcPosture`: names of `posture` declarations the source must satisfy.
    pub src_posture: Vec<String>,
    /// `via`: the tags of the routers traffic must go through.
    pub via: Vec<Selector>,
}

/// `accept` or `check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SshAction {
    /// Allow without re-authentication.
    Accept,
    /// Require a recent login.
    Check,
}

/// An SSH rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SshRule {
    /// Where it was declared.
    pub origin: Origin,
    /// The declaration's name.
    pub name: String,
    /// Accept or check.
    pub action: SshAction,
    /// Sources.
    pub src: Vec<Selector>,
    /// Destinations.
    pub dst: Vec<Selector>,
    /// Unix users: `autogroup:nonroot`, `root`, a name.
    pub users: Vec<String>,
    /// `checkPeriod` in seconds, for `check`; `None` is Tailscale's default (12 hours).
    pub check_period: Option<CheckPeriod>,
    /// `acceptEnv`: environment variable names (or patterns) the client may send.
    pub accept_env: Vec<String>,
    /// `srcPosture`: names of `posture` declarations the source must satisfy.
    pub src_posture: Vec<String>,
}

/// How often an SSH `check` rule asks the user to authenticate again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckPeriod {
    /// `always`: on every connection.
    Always,
    /// After this many seconds.
    Seconds(u64),
}

/// A destination at a port, in an ACL test.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// The destination.
    pub target: Principal,
    /// The port.
    pub port: u16,
    /// Where it was written.
    pub span: Span,
}

/// An ACL test.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AclTest {
    /// Where it was declared.
    pub origin: Origin,
    /// The declaration's name.
    pub name: String,
    /// Who the test is about.
    pub src: Selector,
    /// What it must reach.
    pub accept: Vec<Endpoint>,
    /// What it must not reach.
    pub deny: Vec<Endpoint>,
    /// The protocol the test is about; `None` is TCP (and UDP) as Tailscale's tests assume.
    pub proto: Option<Proto>,
}

/// An SSH test (`sshTests`): whether a source may SSH to destinations as given users.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SshTest {
    /// Where it was declared.
    pub origin: Origin,
    /// The declaration's name.
    pub name: String,
    /// Who connects.
    pub src: Selector,
    /// Where to.
    pub dst: Vec<Selector>,
    /// Users that must be allowed without a check.
    pub accept: Vec<String>,
    /// Users that must be allowed after a check.
    pub check: Vec<String>,
    /// Users that must be refused.
    pub deny: Vec<String>,
}

/// A rule of the legacy `acls` section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LegacyAcl {
    /// Where it was declared.
    pub origin: Origin,
    /// The declaration's name.
    pub name: String,
    /// Sources.
    pub src: Vec<Selector>,
    /// Destinations with their ports (`tag:x:443`, `*:*`).
    pub dst: Vec<AclDestination>,
    /// `proto`; `None` for TCP, UDP and ICMP.
    pub proto: Option<Proto>,
    /// `srcPosture`: names of `posture` declarations the source must satisfy.
    pub src_posture: Vec<String>,
}

/// A destination of a legacy ACL: a target and its ports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AclDestination {
    /// The target.
    pub target: Principal,
    /// The ports (`*` is `PortRange::Any`).
    pub ports: Vec<PortRange>,
    /// Where it was written.
    pub span: Span,
}

/// A named IP address or range, the policy's `hosts` section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Network {
    /// Where it was declared.
    pub origin: Origin,
    /// The name used in the policy.
    pub name: String,
    /// An IPv4 or IPv6 address or CIDR range.
    pub address: String,
}

/// A Tailscale Service (`svc:NAME`): a virtual IP with a MagicDNS name of its own,
/// `NAME.<tailnet domain>`, hosted by the devices that advertise it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VipService {
    /// Where it was declared.
    pub origin: Origin,
    /// The service's name, without `svc:`; also its tailnet hostname.
    pub name: String,
}

/// An IP set (`ipsets`): addresses and ranges combined, minus others.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IpSet {
    /// Where it was declared.
    pub origin: Origin,
    /// The set's name, without `ipset:`.
    pub name: String,
    /// What it includes: IPs, CIDRs, networks, hosts, other sets.
    pub add: Vec<Selector>,
    /// What it excludes.
    pub remove: Vec<Selector>,
}

/// An entry of `autoApprovers`: who may advertise routes, exit nodes or services without an
/// admin's approval.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AutoApprover {
    /// Where it was declared.
    pub origin: Origin,
    /// The declaration's name.
    pub name: String,
    /// Subnet routes (CIDRs) they may advertise.
    pub routes: Vec<String>,
    /// Whether they may advertise an exit node.
    pub exit_node: bool,
    /// VIP services (`svc:NAME`) or tags of services they may host.
    pub services: Vec<Selector>,
    /// Who is approved: users, groups, tags, autogroups.
    pub approvers: Vec<Selector>,
}

/// A `nodeAttrs` entry: attributes and app capabilities given to devices.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeAttr {
    /// Where it was declared.
    pub origin: Origin,
    /// The declaration's name.
    pub name: String,
    /// Which devices.
    pub target: Vec<Selector>,
    /// Node attributes (`funnel`, `mullvad`, `nextdns:...`, ...).
    pub attr: Vec<String>,
    /// App capabilities, as in grants.
    pub app: IndexMap<String, Vec<Data>>,
}

/// A device posture (`postures`): conditions a device must meet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Posture {
    /// Where it was declared.
    pub origin: Origin,
    /// The posture's name, without `posture:`.
    pub name: String,
    /// The conditions, in Tailscale's posture syntax (`node:os == 'macos'`).
    pub rules: Vec<String>,
}

/// A pre-authentication key (`tailscale.TailnetKey`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthKey {
    /// Where it was declared.
    pub origin: Origin,
    /// The declaration's name; also the Pulumi resource name and the export's name.
    pub name: String,
    /// Whether the key can be used more than once.
    pub reusable: bool,
    /// Whether devices that join with it are removed when they go offline.
    pub ephemeral: bool,
    /// Whether devices that join with it are approved.
    pub preauthorized: bool,
    /// Tags devices that join with it carry.
    pub tags: Vec<Selector>,
    /// Seconds until the key expires; `None` is Tailscale's default (90 days).
    pub expiry: Option<u64>,
    /// A description shown in the admin console.
    pub description: Option<String>,
    /// The name of the Pulumi stack output holding the key; `None` is `<name>_authkey`.
    pub export: Option<String>,
}

/// The tailnet's DNS settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TailnetDns {
    /// Where they were declared.
    pub origin: Origin,
    /// Global nameservers, in order.
    pub nameservers: Vec<String>,
    /// Search domains, in order.
    pub search_paths: Vec<String>,
    /// Whether MagicDNS is on.
    pub magic_dns: bool,
    /// Whether the global nameservers override the devices' local DNS settings.
    pub override_local_dns: bool,
    /// Split DNS: domain to its nameservers.
    pub split: IndexMap<String, Vec<String>>,
}

/// Network-wide options of the policy file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PolicyOptions {
    /// `disableIPv4`.
    pub disable_ipv4: Option<bool>,
    /// `randomizeClientPort`.
    pub randomize_client_port: Option<bool>,
    /// `OneCGNATRoute`: `""`, `"mac-always"` or `"mac-never"`.
    pub one_cgnat_route: Option<String>,
    /// `defaultSrcPosture`: posture names applied to every grant without its own.
    pub default_src_posture: Vec<String>,
}

/// A public DNS zone whose records are managed by a Pulumi project of its own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DnsZone {
    /// Where it was declared.
    pub origin: Origin,
    /// The declaration's name.
    pub name: String,
    /// The zone's domain, for example `example.com`.
    pub domain: String,
    /// The DNS provider; `gandi` (Gandi LiveDNS through `pulumiverse_gandi`).
    pub provider: String,
    /// The Pulumi project's name, `pulumi/<project>/`.
    pub pulumi_project: String,
    /// The Pulumi stack's name.
    pub pulumi_stack: String,
}

/// A record of a public DNS zone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DnsRecord {
    /// Where it was declared.
    pub origin: Origin,
    /// The declaration's name; also the Pulumi resource's name.
    pub name: String,
    /// The zone's declaration name.
    pub zone: String,
    /// The record's name relative to the zone (`@`, `www`, `*.ops`).
    pub record: String,
    /// `A`, `AAAA`, `CNAME`, `TXT`, `MX`, ...
    pub kind: String,
    /// Time to live in seconds.
    pub ttl: u32,
    /// The values, in order.
    pub values: Vec<RecordValue>,
}

/// A value of a DNS record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RecordValue {
    /// A literal value.
    Literal(String),
    /// The tailnet IPv4 address of a host's device, looked up when Pulumi runs.
    HostAddress(String),
    /// The tailnet FQDN of a host or an exposed app, with a trailing dot.
    Fqdn(String),
}
