//! The one table of FTP settings: each field's storage, default, key names and kind.
//!
//! Labels and help texts live in `assets/fields.toml` (see [`super::text`]); everything
//! else about a field is its row below. The macro turns the table into the typed
//! [`Settings`] struct and the [`Field`] enum that generic code walks.

use super::bandwidth::Rate;
use super::mode::Mode;
use super::tls_policy::TlsPolicy;
use super::value::{Dialect, Kind, Value};

/// The screen's groups, in tab order; also the TOML tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Section {
    General,
    Access,
    Tls,
    Other,
    Bandwidth,
}

impl Section {
    pub const ALL: [Section; 5] =
        [Section::General, Section::Access, Section::Tls, Section::Other, Section::Bandwidth];

    /// The TOML table name.
    pub fn key(self) -> &'static str {
        match self {
            Section::General => "general",
            Section::Access => "access",
            Section::Tls => "tls",
            Section::Other => "other",
            Section::Bandwidth => "bandwidth",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Section::General => "General",
            Section::Access => "Access",
            Section::Tls => "TLS",
            Section::Other => "Other",
            Section::Bandwidth => "Bandwidth",
        }
    }

    pub fn fields(self) -> impl Iterator<Item = Field> {
        Field::ALL.iter().copied().filter(move |f| f.section() == self)
    }
}

macro_rules! fields {
    ($(
        $id:ident : $name:ident : $ty:ty = $default:expr
            => $section:ident, $key:literal, $truenas:literal, $kind:expr;
    )*) => {
        /// Every FTP setting, typed. Defaults are TrueNAS's on a fresh install.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct Settings {
            $(pub $name: $ty,)*
        }

        impl Default for Settings {
            fn default() -> Self {
                Settings { $($name: $default,)* }
            }
        }

        /// Names one setting.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Field {
            $($id,)*
        }

        impl Field {
            /// Screen order.
            pub const ALL: &'static [Field] = &[$(Field::$id,)*];

            pub fn section(self) -> Section {
                match self { $(Field::$id => Section::$section,)* }
            }

            /// The key inside its TOML table.
            pub fn key(self) -> &'static str {
                match self { $(Field::$id => $key,)* }
            }

            /// The key in TrueNAS's `ftp.config` object.
            pub fn truenas_key(self) -> &'static str {
                match self { $(Field::$id => $truenas,)* }
            }

            pub fn kind(self) -> Kind {
                match self { $(Field::$id => $kind,)* }
            }

            pub fn get(self, settings: &Settings) -> Value {
                match self { $(Field::$id => Value::from(settings.$name.clone()),)* }
            }

            /// Stores `value`; a value of the wrong type is handed back unchanged.
            pub fn set(self, settings: &mut Settings, value: Value) -> Result<(), Value> {
                match self { $(Field::$id => settings.$name = value.try_into()?,)* }
                Ok(())
            }
        }
    };
}

use Kind::{
    Certificate, Directory, Line, PassivePort, Permissions, Policy, Text, TlsOption, Toggle,
};

const fn number(min: u32, max: u32) -> Kind {
    Kind::Number { min, max }
}

fields! {
    Port: port: u32 = 21 => General, "port", "port", number(1, 65535);
    Clients: clients: u32 = 5 => General, "clients", "clients", number(1, 10000);
    Connections: connections_per_ip: u32 = 2
        => General, "connections_per_ip", "ipconnections", number(0, 1000);
    LoginAttempts: login_attempts: u32 = 1
        => General, "login_attempts", "loginattempt", number(0, 1000);
    NotransferTimeout: notransfer_timeout: u32 = 300
        => General, "notransfer_timeout", "timeout_notransfer", number(0, 10000);
    Timeout: timeout: u32 = 600 => General, "timeout", "timeout", number(0, 10000);

    AlwaysChroot: always_chroot: bool = true => Access, "always_chroot", "defaultroot", Toggle;
    AnonymousLogin: anonymous_login: bool = false
        => Access, "anonymous_login", "onlyanonymous", Toggle;
    AnonymousPath: anonymous_path: String = String::new()
        => Access, "anonymous_path", "anonpath", Directory;
    LocalUserLogin: local_user_login: bool = false
        => Access, "local_user_login", "onlylocal", Toggle;
    RequireIdent: require_ident: bool = false => Access, "require_ident", "ident", Toggle;
    FilePermissions: file_permissions: Mode = Mode::from_bits(0o700)
        => Access, "file_permissions", "filemask", Permissions;
    DirectoryPermissions: directory_permissions: Mode = Mode::from_bits(0o755)
        => Access, "directory_permissions", "dirmask", Permissions;

    TlsEnable: tls_enable: bool = false => Tls, "enable", "tls", Toggle;
    Certificate: certificate: String = String::new()
        => Tls, "certificate", "ssltls_certificate", Certificate;
    TlsPolicy: tls_policy: TlsPolicy = TlsPolicy::On => Tls, "policy", "tls_policy", Policy;
    TlsAllowClientRenegotiations: tls_allow_client_renegotiations: bool = false
        => Tls, "allow_client_renegotiations", "tls_opt_allow_client_renegotiations",
           TlsOption("AllowClientRenegotiations");
    TlsAllowDotLogin: tls_allow_dot_login: bool = false
        => Tls, "allow_dot_login", "tls_opt_allow_dot_login", TlsOption("AllowDotLogin");
    TlsAllowPerUser: tls_allow_per_user: bool = false
        => Tls, "allow_per_user", "tls_opt_allow_per_user", TlsOption("AllowPerUser");
    TlsCommonNameRequired: tls_common_name_required: bool = false
        => Tls, "common_name_required", "tls_opt_common_name_required",
           TlsOption("CommonNameRequired");
    TlsEnableDiags: tls_enable_diags: bool = false
        => Tls, "enable_diagnostics", "tls_opt_enable_diags", TlsOption("EnableDiags");
    TlsExportCertData: tls_export_cert_data: bool = false
        => Tls, "export_certificate_data", "tls_opt_export_cert_data",
           TlsOption("ExportCertData");
    TlsNoEmptyFragments: tls_no_empty_fragments: bool = false
        => Tls, "no_empty_fragments", "tls_opt_no_empty_fragments",
           TlsOption("NoEmptyFragments");
    TlsNoSessionReuseRequired: tls_no_session_reuse_required: bool = false
        => Tls, "no_session_reuse_required", "tls_opt_no_session_reuse_required",
           TlsOption("NoSessionReuseRequired");
    TlsStdEnvVars: tls_std_env_vars: bool = false
        => Tls, "export_standard_vars", "tls_opt_stdenvvars", TlsOption("StdEnvVars");
    TlsDnsNameRequired: tls_dns_name_required: bool = false
        => Tls, "dns_name_required", "tls_opt_dns_name_required", TlsOption("dNSNameRequired");
    TlsIpAddressRequired: tls_ip_address_required: bool = false
        => Tls, "ip_address_required", "tls_opt_ip_address_required",
           TlsOption("iPAddressRequired");

    PassivePortMin: passive_port_min: u32 = 0
        => Other, "passive_port_min", "passiveportsmin", PassivePort;
    PassivePortMax: passive_port_max: u32 = 0
        => Other, "passive_port_max", "passiveportsmax", PassivePort;
    Fxp: fxp: bool = false => Other, "fxp", "fxp", Toggle;
    Resume: allow_resume: bool = false => Other, "allow_resume", "resume", Toggle;
    ReverseDns: reverse_dns: bool = false => Other, "reverse_dns", "reversedns", Toggle;
    MasqueradeAddress: masquerade_address: String = String::new()
        => Other, "masquerade_address", "masqaddress", Line;
    DisplayLogin: display_login: String = String::new()
        => Other, "display_login", "banner", Text;
    AuxiliaryParameters: auxiliary_parameters: String = String::new()
        => Other, "auxiliary_parameters", "options", Text;

    LocalUpload: local_upload: Rate = Rate::UNLIMITED
        => Bandwidth, "local_upload", "localuserbw", Kind::Rate;
    LocalDownload: local_download: Rate = Rate::UNLIMITED
        => Bandwidth, "local_download", "localuserdlbw", Kind::Rate;
    AnonymousUpload: anonymous_upload: Rate = Rate::UNLIMITED
        => Bandwidth, "anonymous_upload", "anonuserbw", Kind::Rate;
    AnonymousDownload: anonymous_download: Rate = Rate::UNLIMITED
        => Bandwidth, "anonymous_download", "anonuserdlbw", Kind::Rate;
}

/// The TLS option TrueNAS dropped (proftpd 1.3.8 refuses `NoCertRequest`). Our
/// configuration never asks clients for a certificate, so it is always in effect; old
/// exports that carry it are accepted and the value ignored.
pub const NO_CERT_REQUEST_TRUENAS_KEY: &str = "tls_opt_no_cert_request";

impl Field {
    /// `section.key`, the name used in messages about our settings file.
    pub fn path(self) -> String {
        format!("{}.{}", self.section().key(), self.key())
    }

    /// Finds a field by `section.key`, a bare key when unambiguous, or a TrueNAS key.
    /// The dialect says how values for that name are written.
    pub fn lookup(name: &str) -> Option<(Field, Dialect)> {
        let name = name.trim();
        let ours = Field::ALL.iter().copied().find(|f| f.path() == name).or_else(|| {
            let mut bare = Field::ALL.iter().copied().filter(|f| f.key() == name);
            bare.next().filter(|_| bare.next().is_none())
        });
        if let Some(field) = ours {
            return Some((field, Dialect::Ftpconf));
        }
        Field::ALL.iter().copied().find(|f| f.truenas_key() == name).map(|f| (f, Dialect::TrueNas))
    }

    /// Parses text typed for this field under the naming `dialect`.
    pub fn parse(self, text: &str, dialect: Dialect) -> Result<Value, String> {
        Value::parse(self.kind(), text, dialect)
    }

    /// Parses `text` and stores it.
    pub fn set_text(
        self,
        settings: &mut Settings,
        text: &str,
        dialect: Dialect,
    ) -> Result<(), String> {
        let value = self.parse(text, dialect)?;
        self.set(settings, value)
            .map_err(|v| format!("internal error: {v:?} does not fit {}", self.path()))
    }

    /// The value as text that parses back (`get`, and a text field's starting content).
    pub fn get_text(self, settings: &Settings, dialect: Dialect) -> String {
        self.get(settings).to_input(dialect)
    }

    /// Whether the screen shows this field, given the toggles it depends on.
    /// Hidden fields keep their values.
    pub fn is_visible(self, settings: &Settings) -> bool {
        match self {
            Field::AnonymousPath => settings.anonymous_login,
            Field::Certificate | Field::TlsPolicy => settings.tls_enable,
            f if matches!(f.kind(), Kind::TlsOption(_)) => settings.tls_enable,
            _ => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn thirty_nine_fields_with_unique_names() {
        assert_eq!(Field::ALL.len(), 39);
        let paths: HashSet<String> = Field::ALL.iter().map(|f| f.path()).collect();
        let truenas: HashSet<&str> = Field::ALL.iter().map(|f| f.truenas_key()).collect();
        assert_eq!(paths.len(), 39);
        assert_eq!(truenas.len(), 39);
        let tls_options = Field::ALL.iter().filter(|f| matches!(f.kind(), Kind::TlsOption(_)));
        assert_eq!(tls_options.count(), 11);
    }

    #[test]
    fn fields_are_grouped_in_screen_order() {
        let sections: Vec<Section> = Field::ALL.iter().map(|f| f.section()).collect();
        let mut sorted = sections.clone();
        sorted.sort();
        assert_eq!(sections, sorted);
    }

    #[test]
    fn lookup_by_any_name() {
        assert_eq!(Field::lookup("general.port"), Some((Field::Port, Dialect::Ftpconf)));
        assert_eq!(Field::lookup("port"), Some((Field::Port, Dialect::Ftpconf)));
        assert_eq!(Field::lookup("filemask"), Some((Field::FilePermissions, Dialect::TrueNas)));
        assert_eq!(Field::lookup("tls.enable"), Some((Field::TlsEnable, Dialect::Ftpconf)));
        assert_eq!(Field::lookup("tls"), Some((Field::TlsEnable, Dialect::TrueNas)));
        assert_eq!(Field::lookup("nosuch"), None);
    }

    #[test]
    fn get_and_set_round_trip_every_field() {
        let defaults = Settings::default();
        let mut s = Settings::default();
        for &f in Field::ALL {
            for dialect in [Dialect::Ftpconf, Dialect::TrueNas] {
                let text = f.get_text(&defaults, dialect);
                f.set_text(&mut s, &text, dialect).unwrap_or_else(|e| panic!("{f:?}: {e}"));
            }
        }
        assert_eq!(s, defaults);
    }
}
