//! The AWS commercial regions the region picker suggests, and region-id validation (any
//! well-formed id is accepted: the list is a suggestion, not a limit).

use serde::Serialize;
use ts_rs::TS;

use crate::CoreError;

/// One region as the picker shows it.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Region {
    pub code: &'static str,
    pub name: &'static str,
}

/// All commercial (aws partition) regions, in the order the AWS console lists them.
pub const REGIONS: &[Region] = &[
    Region {
        code: "us-east-1",
        name: "US East (N. Virginia)",
    },
    Region {
        code: "us-east-2",
        name: "US East (Ohio)",
    },
    Region {
        code: "us-west-1",
        name: "US West (N. California)",
    },
    Region {
        code: "us-west-2",
        name: "US West (Oregon)",
    },
    Region {
        code: "af-south-1",
        name: "Africa (Cape Town)",
    },
    Region {
        code: "ap-east-1",
        name: "Asia Pacific (Hong Kong)",
    },
    Region {
        code: "ap-east-2",
        name: "Asia Pacific (Taipei)",
    },
    Region {
        code: "ap-south-2",
        name: "Asia Pacific (Hyderabad)",
    },
    Region {
        code: "ap-southeast-3",
        name: "Asia Pacific (Jakarta)",
    },
    Region {
        code: "ap-southeast-5",
        name: "Asia Pacific (Malaysia)",
    },
    Region {
        code: "ap-southeast-4",
        name: "Asia Pacific (Melbourne)",
    },
    Region {
        code: "ap-south-1",
        name: "Asia Pacific (Mumbai)",
    },
    Region {
        code: "ap-southeast-6",
        name: "Asia Pacific (New Zealand)",
    },
    Region {
        code: "ap-northeast-3",
        name: "Asia Pacific (Osaka)",
    },
    Region {
        code: "ap-northeast-2",
        name: "Asia Pacific (Seoul)",
    },
    Region {
        code: "ap-southeast-1",
        name: "Asia Pacific (Singapore)",
    },
    Region {
        code: "ap-southeast-2",
        name: "Asia Pacific (Sydney)",
    },
    Region {
        code: "ap-southeast-7",
        name: "Asia Pacific (Thailand)",
    },
    Region {
        code: "ap-northeast-1",
        name: "Asia Pacific (Tokyo)",
    },
    Region {
        code: "ca-central-1",
        name: "Canada (Central)",
    },
    Region {
        code: "ca-west-1",
        name: "Canada West (Calgary)",
    },
    Region {
        code: "eu-central-1",
        name: "Europe (Frankfurt)",
    },
    Region {
        code: "eu-west-1",
        name: "Europe (Ireland)",
    },
    Region {
        code: "eu-west-2",
        name: "Europe (London)",
    },
    Region {
        code: "eu-south-1",
        name: "Europe (Milan)",
    },
    Region {
        code: "eu-west-3",
        name: "Europe (Paris)",
    },
    Region {
        code: "eu-south-2",
        name: "Europe (Spain)",
    },
    Region {
        code: "eu-north-1",
        name: "Europe (Stockholm)",
    },
    Region {
        code: "eu-central-2",
        name: "Europe (Zurich)",
    },
    Region {
        code: "il-central-1",
        name: "Israel (Tel Aviv)",
    },
    Region {
        code: "mx-central-1",
        name: "Mexico (Central)",
    },
    Region {
        code: "me-south-1",
        name: "Middle East (Bahrain)",
    },
    Region {
        code: "me-central-1",
        name: "Middle East (UAE)",
    },
    Region {
        code: "sa-east-1",
        name: "South America (São Paulo)",
    },
];

/// Looks a region up by its code.
pub fn find(code: &str) -> Option<&'static Region> {
    REGIONS.iter().find(|r| r.code == code)
}

/// Whether `code` has the shape of an AWS region id in any partition: `us-east-1`,
/// `eu-central-2`, `us-gov-west-1`, `cn-north-1`, `eusc-de-east-1`, and regions that open after
/// this release. The list above is only what the picker suggests.
pub fn is_region_id(code: &str) -> bool {
    let parts: Vec<&str> = code.split('-').collect();
    let lower = |p: &&str| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase());
    match parts.as_slice() {
        [first, middle @ .., last] if !middle.is_empty() => {
            (2..=4).contains(&first.len())
                && lower(first)
                && middle.iter().all(lower)
                && (1..=2).contains(&last.len())
                && last.chars().all(|c| c.is_ascii_digit())
        }
        _ => false,
    }
}

/// Checks a region for an AWS connection: any region id, listed or not (a new region works
/// without a new release of the app).
pub fn validate_aws_region(code: &str) -> Result<(), CoreError> {
    let code = code.trim();
    if code.is_empty() {
        return Err(CoreError::field("region", "Pick a region."));
    }
    if !is_region_id(code) {
        return Err(CoreError::field(
            "region",
            format!(
                "'{code}' is not an AWS region id. Region ids look like us-east-1 or eu-central-2: pick one from the list or type it."
            ),
        ));
    }
    Ok(())
}

/// Checks a region for a custom endpoint: any well-formed code (local servers accept anything).
pub fn validate_region_format(code: &str) -> Result<(), CoreError> {
    let code = code.trim();
    let ok = !code.is_empty()
        && code.len() <= 32
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !code.starts_with('-')
        && !code.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(CoreError::field(
            "region",
            format!("'{code}' is not a region code. Use lowercase letters, digits and '-', for example us-east-1."),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn list_is_complete_and_unique() {
        let codes: HashSet<_> = REGIONS.iter().map(|r| r.code).collect();
        assert_eq!(codes.len(), REGIONS.len(), "duplicate region code");
        for c in [
            "us-east-1",
            "eu-west-1",
            "ap-southeast-2",
            "sa-east-1",
            "il-central-1",
            "mx-central-1",
        ] {
            assert!(codes.contains(c), "{c} missing");
        }
        assert!(!codes
            .iter()
            .any(|c| c.starts_with("us-gov") || c.starts_with("cn-")));
    }

    #[test]
    fn any_region_id_is_accepted_listed_or_not() {
        for ok in [
            "eu-central-1",
            "eu-middle-9",
            "ap-southeast-7",
            "us-gov-west-1",
            "cn-northwest-1",
            "eusc-de-east-1",
            "us-isob-east-1",
        ] {
            assert!(validate_aws_region(ok).is_ok(), "{ok}");
        }
        for bad in [
            "mars",
            "us-east",
            "US-EAST-1",
            "us-east-1a",
            "-east-1",
            "us--1",
            "us-east-123",
        ] {
            let e = validate_aws_region(bad).unwrap_err();
            assert!(e.to_string().contains("not an AWS region id"), "{bad}: {e}");
            assert_eq!(e.payload().field.as_deref(), Some("region"));
        }
        assert!(validate_aws_region(" ").is_err());
    }

    #[test]
    fn custom_region_only_needs_a_sane_shape() {
        assert!(validate_region_format("local-1").is_ok());
        assert!(validate_region_format("US East").is_err());
        assert!(validate_region_format("").is_err());
    }
}
