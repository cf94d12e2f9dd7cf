//! The AWS commercial regions the region picker offers, and region-code validation.

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

/// Checks a region for a connection to AWS itself: it must be one we know.
pub fn validate_aws_region(code: &str) -> Result<(), CoreError> {
    let code = code.trim();
    if code.is_empty() {
        return Err(CoreError::field("region", "Pick a region."));
    }
    if find(code).is_none() {
        return Err(CoreError::field(
            "region",
            format!(
                "'{code}' is not an AWS region. Pick one from the list (for example us-east-1)."
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
    fn aws_region_must_be_known() {
        assert!(validate_aws_region("eu-central-1").is_ok());
        let e = validate_aws_region("eu-middle-9").unwrap_err();
        assert!(e.to_string().contains("not an AWS region"));
        assert_eq!(e.payload().field.as_deref(), Some("region"));
        assert!(validate_aws_region(" ").is_err());
    }

    #[test]
    fn custom_region_only_needs_a_sane_shape() {
        assert!(validate_region_format("local-1").is_ok());
        assert!(validate_region_format("US East").is_err());
        assert!(validate_region_format("").is_err());
    }
}
