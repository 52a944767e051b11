//! The breaking-change rules: ids, categories per buf.yaml version, and a
//! one-line description each. Ids and categories are buf 1.75's, so an
//! existing `breaking:` section selects the same rules.

use std::collections::BTreeSet;

/// Version of the configuration a rule set is resolved for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ConfigVersion {
    V1Beta1,
    V1,
    V2,
}

impl ConfigVersion {
    pub fn parse(s: &str) -> Option<ConfigVersion> {
        match s {
            "v1beta1" => Some(ConfigVersion::V1Beta1),
            "v1" => Some(ConfigVersion::V1),
            "v2" => Some(ConfigVersion::V2),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ConfigVersion::V1Beta1 => "v1beta1",
            ConfigVersion::V1 => "v1",
            ConfigVersion::V2 => "v2",
        }
    }
}

/// One rule.
#[derive(Debug)]
pub struct Rule {
    pub id: &'static str,
    /// Categories under each config version; `None` when the version does
    /// not know the rule.
    pub v1beta1: Option<&'static [&'static str]>,
    pub v1: Option<&'static [&'static str]>,
    pub v2: Option<&'static [&'static str]>,
    /// Deprecated rules are accepted in `use`/`except` and stand for their
    /// replacements.
    pub deprecated: bool,
    pub replacements: &'static [&'static str],
    pub description: &'static str,
}

impl Rule {
    pub fn categories(&self, v: ConfigVersion) -> Option<&'static [&'static str]> {
        match v {
            ConfigVersion::V1Beta1 => self.v1beta1,
            ConfigVersion::V1 => self.v1,
            ConfigVersion::V2 => self.v2,
        }
    }
}

/// The documented category names, broadest first (v2 also has `CSR`).
pub const CATEGORIES: &[&str] = &["FILE", "PACKAGE", "WIRE_JSON", "WIRE"];

/// The category used when `use` is empty.
pub const DEFAULT_CATEGORY: &str = "FILE";

pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// Resolves `use` and `except` (rule ids or category names) to the set of
/// rules to run. Deprecated ids expand to their replacements; the returned
/// warnings say so. Unknown ids are errors.
pub fn resolve(
    version: ConfigVersion,
    use_: &[String],
    except: &[String],
) -> Result<(BTreeSet<&'static str>, Vec<String>), String> {
    let mut warnings = Vec::new();
    let expand = |name: &str, warnings: &mut Vec<String>| -> Result<Vec<&'static str>, String> {
        let is_category = RULES
            .iter()
            .any(|r| r.categories(version).is_some_and(|c| c.contains(&name)));
        if is_category {
            return Ok(RULES
                .iter()
                .filter(|r| !r.deprecated)
                .filter(|r| r.categories(version).is_some_and(|c| c.contains(&name)))
                .map(|r| r.id)
                .collect());
        }
        match rule(name) {
            Some(r) if r.categories(version).is_some() => {
                if r.deprecated {
                    warnings.push(if r.replacements.is_empty() {
                        format!("rule {name} is deprecated and checks nothing")
                    } else {
                        format!(
                            "rule {name} is deprecated; using {} instead",
                            r.replacements.join(", ")
                        )
                    });
                    Ok(r.replacements.to_vec())
                } else {
                    Ok(vec![r.id])
                }
            }
            _ => Err(format!(
                "unknown rule or category \"{name}\" for a {} configuration",
                version.as_str()
            )),
        }
    };
    let mut set = BTreeSet::new();
    if use_.is_empty() {
        set.extend(expand(DEFAULT_CATEGORY, &mut warnings)?);
    }
    for u in use_ {
        set.extend(expand(u, &mut warnings)?);
    }
    for e in except {
        for id in expand(e, &mut warnings)? {
            set.remove(id);
        }
    }
    Ok((set, warnings))
}

/// All rules, in buf's listing order for v2 (then the v1-only ones).
pub static RULES: &[Rule] = &[
    Rule {
        id: "EXTENSION_NO_DELETE",
        v1beta1: None,
        v1: None,
        v2: Some(&["FILE"]),
        deprecated: false,
        replacements: &[],
        description: "An extension that a file declared is still declared in that file.",
    },
    Rule {
        id: "SERVICE_NO_DELETE",
        v1beta1: Some(&["FILE"]),
        v1: Some(&["FILE"]),
        v2: Some(&["FILE"]),
        deprecated: false,
        replacements: &[],
        description: "A service that a file defined is still defined in that file.",
    },
    Rule {
        id: "ENUM_NO_DELETE",
        v1beta1: Some(&["FILE"]),
        v1: Some(&["FILE"]),
        v2: Some(&["CSR", "FILE"]),
        deprecated: false,
        replacements: &[],
        description: "An enum that a file defined is still defined in that file.",
    },
    Rule {
        id: "FILE_NO_DELETE",
        v1beta1: Some(&["FILE"]),
        v1: Some(&["FILE"]),
        v2: Some(&["CSR", "FILE"]),
        deprecated: false,
        replacements: &[],
        description: "Every file is still there.",
    },
    Rule {
        id: "MESSAGE_NO_DELETE",
        v1beta1: Some(&["FILE"]),
        v1: Some(&["FILE"]),
        v2: Some(&["CSR", "FILE"]),
        deprecated: false,
        replacements: &[],
        description: "A message that a file defined is still defined in that file.",
    },
    Rule {
        id: "ENUM_SAME_TYPE",
        v1beta1: Some(&["FILE", "PACKAGE"]),
        v1: Some(&["FILE", "PACKAGE"]),
        v2: Some(&["FILE", "PACKAGE"]),
        deprecated: false,
        replacements: &[],
        description: "An enum stays open or stays closed.",
    },
    Rule {
        id: "FIELD_SAME_CARDINALITY",
        v1beta1: Some(&["FILE", "PACKAGE", "WIRE_JSON", "WIRE"]),
        v1: Some(&["FILE", "PACKAGE"]),
        v2: Some(&["FILE", "PACKAGE"]),
        deprecated: false,
        replacements: &[],
        description: "A field keeps its cardinality (explicit/implicit presence, required, repeated, map).",
    },
    Rule {
        id: "FIELD_SAME_CPP_STRING_TYPE",
        v1beta1: Some(&["FILE", "PACKAGE"]),
        v1: Some(&["FILE", "PACKAGE"]),
        v2: Some(&["FILE", "PACKAGE"]),
        deprecated: false,
        replacements: &[],
        description: "A string or bytes field keeps its C++ type (ctype or (pb.cpp).string_type).",
    },
    Rule {
        id: "FIELD_SAME_JAVA_UTF8_VALIDATION",
        v1beta1: Some(&["FILE", "PACKAGE"]),
        v1: Some(&["FILE", "PACKAGE"]),
        v2: Some(&["FILE", "PACKAGE"]),
        deprecated: false,
        replacements: &[],
        description: "A string field keeps its Java UTF-8 checking (java_string_check_utf8 or (pb.java).utf8_validation).",
    },
    Rule {
        id: "FIELD_SAME_JSTYPE",
        v1beta1: Some(&["FILE", "PACKAGE"]),
        v1: Some(&["FILE", "PACKAGE"]),
        v2: Some(&["FILE", "PACKAGE"]),
        deprecated: false,
        replacements: &[],
        description: "A 64-bit integer field keeps its jstype option.",
    },
    Rule {
        id: "FIELD_SAME_UTF8_VALIDATION",
        v1beta1: Some(&["FILE", "PACKAGE"]),
        v1: Some(&["FILE", "PACKAGE"]),
        v2: Some(&["FILE", "PACKAGE"]),
        deprecated: false,
        replacements: &[],
        description: "A string field keeps its utf8_validation feature.",
    },
    Rule {
        id: "FILE_SAME_CC_ENABLE_ARENAS",
        v1beta1: Some(&["FILE", "PACKAGE"]),
        v1: Some(&["FILE", "PACKAGE"]),
        v2: Some(&["FILE", "PACKAGE"]),
        deprecated: false,
        replacements: &[],
        description: "File option cc_enable_arenas is unchanged.",
    },
    Rule {
        id: "FILE_SAME_CC_GENERIC_SERVICES",
        v1beta1: Some(&["FILE", "PACKAGE"]),
        v1: Some(&["FILE", "PACKAGE"]),
        v2: Some(&["FILE", "PACKAGE"]),
        deprecated: false,
        replacements: &[],
        description: "File option cc_generic_services is unchanged.",
    },
    Rule {
        id: "FILE_SAME_CSHARP_NAMESPACE",
        v1beta1: Some(&["FILE", "PACKAGE"]),
        v1: Some(&["FILE", "PACKAGE"]),
        v2: Some(&["FILE", "PACKAGE"]),
        deprecated: false,
        replacements: &[],
        description: "File option csharp_namespace is unchanged.",
    },
    Rule {
        id: "FILE_SAME_GO_PACKAGE",
        v1beta1: Some(&["FILE", "PACKAGE"]),
        v1: Some(&["FILE", "PACKAGE"]),
        v2: Some(&["FILE", "PACKAGE"]),
        deprecated: false,
        replacements: &[],
        description: "File option go_package is unchanged.",
    },
    Rule {
        id: "FILE_SAME_JAVA_GENERIC_SERVICES",
        v1beta1: Some(&["FILE", "PACKAGE"]),
        v1: Some(&["FILE", "PACKAGE"]),
        v2: Some(&["FILE", "PACKAGE"]),
        deprecated: false,
        replacements: &[],
        description: "File option java_generic_services is unchanged.",
    },
    Rule {
        id: "FILE_SAME_JAVA_MULTIPLE_FILES",
        v1beta1: Some(&["FILE", "PACKAGE"]),
        v1: Some(&["FILE", "PACKAGE"]),
        v2: Some(&["FILE", "PACKAGE"]),
        deprecated: false,
        replacements: &[],
        description: "File option java_multiple_files is unchanged.",
    },
    Rule {
        id: "FILE_SAME_JAVA_OUTER_CLASSNAME",
        v1beta1: Some(&["FILE", "PACKAGE"]),
        v1: Some(&["FILE", "PACKAGE"]),
        v2: Some(&["FILE", "PACKAGE"]),
        deprecated: false,
        replacements: &[],
        description: "File option java_outer_classname is unchanged.",
    },
    Rule {
        id: "FILE_SAME_JAVA_PACKAGE",
        v1beta1: Some(&["FILE", "PACKAGE"]),
        v1: Some(&["FILE", "PACKAGE"]),
        v2: Some(&["FILE", "PACKAGE"]),
        deprecated: false,
        replacements: &[],
        description: "File option java_package is unchanged.",
    },
    Rule {
        id: "FILE_SAME_OBJC_CLASS_PREFIX",
        v1beta1: Some(&["FILE", "PACKAGE"]),
        v1: Some(&["FILE", "PACKAGE"]),
        v2: Some(&["FILE", "PACKAGE"]),
        deprecated: false,
        replacements: &[],
        description: "File option objc_class_prefix is unchanged.",
    },
    Rule {
        id: "FILE_SAME_OPTIMIZE_FOR",
        v1beta1: Some(&["FILE", "PACKAGE"]),
        v1: Some(&["FILE", "PACKAGE"]),
        v2: Some(&["FILE", "PACKAGE"]),
        deprecated: false,
        replacements: &[],
        description: "File option optimize_for is unchanged.",
    },
    Rule {
        id: "FILE_SAME_PHP_CLASS_PREFIX",
        v1beta1: Some(&["FILE", "PACKAGE"]),
        v1: Some(&["FILE", "PACKAGE"]),
        v2: Some(&["FILE", "PACKAGE"]),
        deprecated: false,
        replacements: &[],
        description: "File option php_class_prefix is unchanged.",
    },
    Rule {
        id: "FILE_SAME_PHP_METADATA_NAMESPACE",
        v1beta1: Some(&["FILE", "PACKAGE"]),
        v1: Some(&["FILE", "PACKAGE"]),
        v2: Some(&["FILE", "PACKAGE"]),
        deprecated: false,
        replacements: &[],
        description: "File option php_metadata_namespace is unchanged.",
    },
    Rule {
        id: "FILE_SAME_PHP_NAMESPACE",
        v1beta1: Some(&["FILE", "PACKAGE"]),
        v1: Some(&["FILE", "PACKAGE"]),
        v2: Some(&["FILE", "PACKAGE"]),
        deprecated: false,
        replacements: &[],
        description: "File option php_namespace is unchanged.",
    },
    Rule {
        id: "FILE_SAME_PY_GENERIC_SERVICES",
        v1beta1: Some(&["FILE", "PACKAGE"]),
        v1: Some(&["FILE", "PACKAGE"]),
        v2: Some(&["FILE", "PACKAGE"]),
        deprecated: false,
        replacements: &[],
        description: "File option py_generic_services is unchanged.",
    },
    Rule {
        id: "FILE_SAME_RUBY_PACKAGE",
        v1beta1: Some(&["FILE", "PACKAGE"]),
        v1: Some(&["FILE", "PACKAGE"]),
        v2: Some(&["FILE", "PACKAGE"]),
        deprecated: false,
        replacements: &[],
        description: "File option ruby_package is unchanged.",
    },
    Rule {
        id: "FILE_SAME_SWIFT_PREFIX",
        v1beta1: Some(&["FILE", "PACKAGE"]),
        v1: Some(&["FILE", "PACKAGE"]),
        v2: Some(&["FILE", "PACKAGE"]),
        deprecated: false,
        replacements: &[],
        description: "File option swift_prefix is unchanged.",
    },
    Rule {
        id: "RPC_NO_DELETE",
        v1beta1: Some(&["FILE", "PACKAGE"]),
        v1: Some(&["FILE", "PACKAGE"]),
        v2: Some(&["FILE", "PACKAGE"]),
        deprecated: false,
        replacements: &[],
        description: "Every RPC of a service is still declared.",
    },
    Rule {
        id: "ENUM_VALUE_NO_DELETE",
        v1beta1: Some(&["FILE", "PACKAGE"]),
        v1: Some(&["FILE", "PACKAGE"]),
        v2: Some(&["CSR", "FILE", "PACKAGE"]),
        deprecated: false,
        replacements: &[],
        description: "Every enum value number is still declared.",
    },
    Rule {
        id: "EXTENSION_MESSAGE_NO_DELETE",
        v1beta1: Some(&["FILE", "PACKAGE"]),
        v1: Some(&["FILE", "PACKAGE"]),
        v2: Some(&["CSR", "FILE", "PACKAGE"]),
        deprecated: false,
        replacements: &[],
        description: "Extension ranges of a message keep every number.",
    },
    Rule {
        id: "FIELD_NO_DELETE",
        v1beta1: Some(&["FILE", "PACKAGE"]),
        v1: Some(&["FILE", "PACKAGE"]),
        v2: Some(&["CSR", "FILE", "PACKAGE"]),
        deprecated: false,
        replacements: &[],
        description: "Every field number of a message is still declared.",
    },
    Rule {
        id: "FIELD_SAME_TYPE",
        v1beta1: Some(&["FILE", "PACKAGE", "WIRE_JSON", "WIRE"]),
        v1: Some(&["FILE", "PACKAGE"]),
        v2: Some(&["CSR", "FILE", "PACKAGE"]),
        deprecated: false,
        replacements: &[],
        description: "A field keeps its type, and its message or enum type name.",
    },
    Rule {
        id: "FILE_SAME_SYNTAX",
        v1beta1: Some(&["FILE", "PACKAGE"]),
        v1: Some(&["FILE", "PACKAGE"]),
        v2: Some(&["CSR", "FILE", "PACKAGE"]),
        deprecated: false,
        replacements: &[],
        description: "A file keeps its syntax (proto2, proto3 or editions).",
    },
    Rule {
        id: "MESSAGE_NO_REMOVE_STANDARD_DESCRIPTOR_ACCESSOR",
        v1beta1: Some(&["FILE", "PACKAGE"]),
        v1: Some(&["FILE", "PACKAGE"]),
        v2: Some(&["CSR", "FILE", "PACKAGE"]),
        deprecated: false,
        replacements: &[],
        description: "no_standard_descriptor_accessor is not turned on.",
    },
    Rule {
        id: "ONEOF_NO_DELETE",
        v1beta1: Some(&["FILE", "PACKAGE"]),
        v1: Some(&["FILE", "PACKAGE"]),
        v2: Some(&["CSR", "FILE", "PACKAGE"]),
        deprecated: false,
        replacements: &[],
        description: "Every oneof of a message is still declared.",
    },
    Rule {
        id: "ENUM_SAME_JSON_FORMAT",
        v1beta1: Some(&["FILE", "PACKAGE", "WIRE_JSON"]),
        v1: Some(&["FILE", "PACKAGE", "WIRE_JSON"]),
        v2: Some(&["CSR", "FILE", "PACKAGE", "WIRE_JSON"]),
        deprecated: false,
        replacements: &[],
        description: "An enum that supported JSON (json_format ALLOW) still does.",
    },
    Rule {
        id: "ENUM_VALUE_SAME_NAME",
        v1beta1: Some(&["FILE", "PACKAGE", "WIRE_JSON"]),
        v1: Some(&["FILE", "PACKAGE", "WIRE_JSON"]),
        v2: Some(&["CSR", "FILE", "PACKAGE", "WIRE_JSON"]),
        deprecated: false,
        replacements: &[],
        description: "An enum value number keeps its names (new aliases are fine).",
    },
    Rule {
        id: "FIELD_SAME_JSON_NAME",
        v1beta1: Some(&["FILE", "PACKAGE", "WIRE_JSON"]),
        v1: Some(&["FILE", "PACKAGE", "WIRE_JSON"]),
        v2: Some(&["CSR", "FILE", "PACKAGE", "WIRE_JSON"]),
        deprecated: false,
        replacements: &[],
        description: "A field keeps its JSON name.",
    },
    Rule {
        id: "FIELD_SAME_NAME",
        v1beta1: Some(&["FILE", "PACKAGE", "WIRE_JSON"]),
        v1: Some(&["FILE", "PACKAGE", "WIRE_JSON"]),
        v2: Some(&["CSR", "FILE", "PACKAGE", "WIRE_JSON"]),
        deprecated: false,
        replacements: &[],
        description: "A field number keeps its name.",
    },
    Rule {
        id: "MESSAGE_SAME_JSON_FORMAT",
        v1beta1: Some(&["FILE", "PACKAGE", "WIRE_JSON"]),
        v1: Some(&["FILE", "PACKAGE", "WIRE_JSON"]),
        v2: Some(&["CSR", "FILE", "PACKAGE", "WIRE_JSON"]),
        deprecated: false,
        replacements: &[],
        description: "A message that supported JSON (json_format ALLOW) still does.",
    },
    Rule {
        id: "FIELD_SAME_DEFAULT",
        v1beta1: None,
        v1: None,
        v2: Some(&["CSR", "FILE", "PACKAGE", "WIRE_JSON", "WIRE"]),
        deprecated: false,
        replacements: &[],
        description: "A field keeps its default value.",
    },
    Rule {
        id: "FIELD_SAME_ONEOF",
        v1beta1: Some(&["FILE", "PACKAGE", "WIRE_JSON", "WIRE"]),
        v1: Some(&["FILE", "PACKAGE", "WIRE_JSON", "WIRE"]),
        v2: Some(&["CSR", "FILE", "PACKAGE", "WIRE_JSON", "WIRE"]),
        deprecated: false,
        replacements: &[],
        description: "A field stays in (or out of) the same oneof.",
    },
    Rule {
        id: "FILE_SAME_PACKAGE",
        v1beta1: Some(&["FILE"]),
        v1: Some(&["FILE", "PACKAGE", "WIRE_JSON", "WIRE"]),
        v2: Some(&["CSR", "FILE", "PACKAGE", "WIRE_JSON", "WIRE"]),
        deprecated: false,
        replacements: &[],
        description: "A file keeps its package.",
    },
    Rule {
        id: "MESSAGE_SAME_REQUIRED_FIELDS",
        v1beta1: Some(&["FILE", "PACKAGE", "WIRE_JSON", "WIRE"]),
        v1: Some(&["FILE", "PACKAGE", "WIRE_JSON", "WIRE"]),
        v2: Some(&["CSR", "FILE", "PACKAGE", "WIRE_JSON", "WIRE"]),
        deprecated: false,
        replacements: &[],
        description: "No required field is added or removed.",
    },
    Rule {
        id: "RESERVED_ENUM_NO_DELETE",
        v1beta1: Some(&["FILE", "PACKAGE", "WIRE_JSON", "WIRE"]),
        v1: Some(&["FILE", "PACKAGE", "WIRE_JSON", "WIRE"]),
        v2: Some(&["CSR", "FILE", "PACKAGE", "WIRE_JSON", "WIRE"]),
        deprecated: false,
        replacements: &[],
        description: "Reserved numbers and names of an enum stay reserved.",
    },
    Rule {
        id: "RESERVED_MESSAGE_NO_DELETE",
        v1beta1: Some(&["FILE", "PACKAGE", "WIRE_JSON", "WIRE"]),
        v1: Some(&["FILE", "PACKAGE", "WIRE_JSON", "WIRE"]),
        v2: Some(&["CSR", "FILE", "PACKAGE", "WIRE_JSON", "WIRE"]),
        deprecated: false,
        replacements: &[],
        description: "Reserved numbers and names of a message stay reserved.",
    },
    Rule {
        id: "RPC_SAME_CLIENT_STREAMING",
        v1beta1: Some(&["FILE", "PACKAGE", "WIRE_JSON", "WIRE"]),
        v1: Some(&["FILE", "PACKAGE", "WIRE_JSON", "WIRE"]),
        v2: Some(&["CSR", "FILE", "PACKAGE", "WIRE_JSON", "WIRE"]),
        deprecated: false,
        replacements: &[],
        description: "An RPC keeps its client streaming kind.",
    },
    Rule {
        id: "RPC_SAME_IDEMPOTENCY_LEVEL",
        v1beta1: Some(&["FILE", "PACKAGE", "WIRE_JSON", "WIRE"]),
        v1: Some(&["FILE", "PACKAGE", "WIRE_JSON", "WIRE"]),
        v2: Some(&["CSR", "FILE", "PACKAGE", "WIRE_JSON", "WIRE"]),
        deprecated: false,
        replacements: &[],
        description: "An RPC keeps its idempotency_level option.",
    },
    Rule {
        id: "RPC_SAME_REQUEST_TYPE",
        v1beta1: Some(&["FILE", "PACKAGE", "WIRE_JSON", "WIRE"]),
        v1: Some(&["FILE", "PACKAGE", "WIRE_JSON", "WIRE"]),
        v2: Some(&["CSR", "FILE", "PACKAGE", "WIRE_JSON", "WIRE"]),
        deprecated: false,
        replacements: &[],
        description: "An RPC keeps its request type.",
    },
    Rule {
        id: "RPC_SAME_RESPONSE_TYPE",
        v1beta1: Some(&["FILE", "PACKAGE", "WIRE_JSON", "WIRE"]),
        v1: Some(&["FILE", "PACKAGE", "WIRE_JSON", "WIRE"]),
        v2: Some(&["CSR", "FILE", "PACKAGE", "WIRE_JSON", "WIRE"]),
        deprecated: false,
        replacements: &[],
        description: "An RPC keeps its response type.",
    },
    Rule {
        id: "RPC_SAME_SERVER_STREAMING",
        v1beta1: Some(&["FILE", "PACKAGE", "WIRE_JSON", "WIRE"]),
        v1: Some(&["FILE", "PACKAGE", "WIRE_JSON", "WIRE"]),
        v2: Some(&["CSR", "FILE", "PACKAGE", "WIRE_JSON", "WIRE"]),
        deprecated: false,
        replacements: &[],
        description: "An RPC keeps its server streaming kind.",
    },
    Rule {
        id: "PACKAGE_ENUM_NO_DELETE",
        v1beta1: Some(&["PACKAGE"]),
        v1: Some(&["PACKAGE"]),
        v2: Some(&["PACKAGE"]),
        deprecated: false,
        replacements: &[],
        description: "An enum of a package is still defined somewhere in the package.",
    },
    Rule {
        id: "PACKAGE_EXTENSION_NO_DELETE",
        v1beta1: None,
        v1: None,
        v2: Some(&["PACKAGE"]),
        deprecated: false,
        replacements: &[],
        description: "An extension of a package is still declared somewhere in the package.",
    },
    Rule {
        id: "PACKAGE_MESSAGE_NO_DELETE",
        v1beta1: Some(&["PACKAGE"]),
        v1: Some(&["PACKAGE"]),
        v2: Some(&["PACKAGE"]),
        deprecated: false,
        replacements: &[],
        description: "A message of a package is still defined somewhere in the package.",
    },
    Rule {
        id: "PACKAGE_NO_DELETE",
        v1beta1: Some(&["PACKAGE"]),
        v1: Some(&["PACKAGE"]),
        v2: Some(&["PACKAGE"]),
        deprecated: false,
        replacements: &[],
        description: "Every package still has a file.",
    },
    Rule {
        id: "PACKAGE_SERVICE_NO_DELETE",
        v1beta1: Some(&["PACKAGE"]),
        v1: Some(&["PACKAGE"]),
        v2: Some(&["PACKAGE"]),
        deprecated: false,
        replacements: &[],
        description: "A service of a package is still defined somewhere in the package.",
    },
    Rule {
        id: "ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED",
        v1beta1: Some(&["WIRE_JSON"]),
        v1: Some(&["WIRE_JSON"]),
        v2: Some(&["CSR", "WIRE_JSON"]),
        deprecated: false,
        replacements: &[],
        description: "A deleted enum value has its names reserved.",
    },
    Rule {
        id: "FIELD_NO_DELETE_UNLESS_NAME_RESERVED",
        v1beta1: Some(&["WIRE_JSON"]),
        v1: Some(&["WIRE_JSON"]),
        v2: Some(&["CSR", "WIRE_JSON"]),
        deprecated: false,
        replacements: &[],
        description: "A deleted field has its name reserved.",
    },
    Rule {
        id: "FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY",
        v1beta1: Some(&["WIRE_JSON"]),
        v1: Some(&["WIRE_JSON"]),
        v2: Some(&["CSR", "WIRE_JSON"]),
        deprecated: false,
        replacements: &[],
        description: "A field's cardinality changes only in ways both binary and JSON accept.",
    },
    Rule {
        id: "FIELD_WIRE_JSON_COMPATIBLE_TYPE",
        v1beta1: None,
        v1: Some(&["WIRE_JSON"]),
        v2: Some(&["CSR", "WIRE_JSON"]),
        deprecated: false,
        replacements: &[],
        description: "A field's type changes only in ways both binary and JSON accept.",
    },
    Rule {
        id: "ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED",
        v1beta1: Some(&["WIRE_JSON", "WIRE"]),
        v1: Some(&["WIRE_JSON", "WIRE"]),
        v2: Some(&["CSR", "WIRE_JSON", "WIRE"]),
        deprecated: false,
        replacements: &[],
        description: "A deleted enum value has its number reserved.",
    },
    Rule {
        id: "FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED",
        v1beta1: Some(&["WIRE_JSON", "WIRE"]),
        v1: Some(&["WIRE_JSON", "WIRE"]),
        v2: Some(&["CSR", "WIRE_JSON", "WIRE"]),
        deprecated: false,
        replacements: &[],
        description: "A deleted field has its number reserved.",
    },
    Rule {
        id: "FIELD_WIRE_COMPATIBLE_CARDINALITY",
        v1beta1: Some(&["WIRE"]),
        v1: Some(&["WIRE"]),
        v2: Some(&["WIRE"]),
        deprecated: false,
        replacements: &[],
        description: "A field's cardinality changes only in ways the binary encoding accepts.",
    },
    Rule {
        id: "FIELD_WIRE_COMPATIBLE_TYPE",
        v1beta1: None,
        v1: Some(&["WIRE"]),
        v2: Some(&["WIRE"]),
        deprecated: false,
        replacements: &[],
        description: "A field's type changes only in ways the binary encoding accepts.",
    },
    Rule {
        id: "MESSAGE_SAME_MESSAGE_SET_WIRE_FORMAT",
        v1beta1: Some(&[]),
        v1: Some(&[]),
        v2: Some(&[]),
        deprecated: true,
        replacements: &[],
        description: "Deprecated: checks nothing.",
    },
    Rule {
        id: "FIELD_SAME_CTYPE",
        v1beta1: Some(&[]),
        v1: Some(&[]),
        v2: None,
        deprecated: true,
        replacements: &["FIELD_SAME_CPP_STRING_TYPE"],
        description: "Deprecated: use FIELD_SAME_CPP_STRING_TYPE.",
    },
    Rule {
        id: "FIELD_SAME_LABEL",
        v1beta1: Some(&[]),
        v1: Some(&[]),
        v2: None,
        deprecated: true,
        replacements: &["FIELD_SAME_CARDINALITY", "FIELD_WIRE_COMPATIBLE_CARDINALITY", "FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY"],
        description: "Deprecated: use the FIELD_*_CARDINALITY rules.",
    },
    Rule {
        id: "FILE_SAME_JAVA_STRING_CHECK_UTF8",
        v1beta1: Some(&[]),
        v1: Some(&[]),
        v2: None,
        deprecated: true,
        replacements: &["FIELD_SAME_JAVA_UTF8_VALIDATION"],
        description: "Deprecated: use FIELD_SAME_JAVA_UTF8_VALIDATION.",
    },
    Rule {
        id: "FILE_SAME_PHP_GENERIC_SERVICES",
        v1beta1: Some(&[]),
        v1: Some(&[]),
        v2: None,
        deprecated: true,
        replacements: &[],
        description: "Deprecated: the option no longer exists; checks nothing.",
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v2_counts_match_buf() {
        // buf 1.75 `config ls-breaking-rules --version v2`: 64 rules (65 with
        // --include-deprecated); FILE 51, PACKAGE 51, WIRE_JSON 22, WIRE 15.
        let live: Vec<_> = RULES
            .iter()
            .filter(|r| !r.deprecated && r.v2.is_some())
            .collect();
        assert_eq!(live.len(), 64);
        let count = |c: &str| live.iter().filter(|r| r.v2.unwrap().contains(&c)).count();
        assert_eq!(count("FILE"), 51);
        assert_eq!(count("PACKAGE"), 51);
        assert_eq!(count("WIRE_JSON"), 22);
        assert_eq!(count("WIRE"), 15);
    }

    #[test]
    fn resolve_use_except_and_deprecated() {
        let (set, w) = resolve(
            ConfigVersion::V1,
            &["WIRE".into(), "FIELD_SAME_LABEL".into()],
            &["FIELD_WIRE_COMPATIBLE_TYPE".into()],
        )
        .unwrap();
        assert!(set.contains("FIELD_SAME_CARDINALITY"));
        assert!(!set.contains("FIELD_WIRE_COMPATIBLE_TYPE"));
        assert_eq!(w.len(), 1);
        assert!(resolve(ConfigVersion::V1, &["EXTENSION_NO_DELETE".into()], &[]).is_err());
        let (def, _) = resolve(ConfigVersion::V2, &[], &[]).unwrap();
        assert_eq!(def.len(), 51);
    }
}
