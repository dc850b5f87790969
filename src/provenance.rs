//! Who made an output and when: the generator's name and version, and the time of the run
//! (`generatedAt`), as the round, `report.json`, `index.json` and the exports record them. A
//! submission records neither: converting a form stays a pure function of the file, so that the
//! same form gives the same bytes.

use std::time::SystemTime;

use serde::{Deserialize, Serialize};

/// The program that wrote an output: its name and version (`blankett` `0.1.0`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Generator {
    /// The program's name: `blankett`.
    pub name: String,
    /// The program's version, as its package has it (`0.1.0`).
    pub version: String,
}

impl Generator {
    /// This program: `blankett` and the version it was built as.
    pub fn this() -> Generator {
        Generator {
            name: env!("CARGO_PKG_NAME").to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
        }
    }
}

impl std::fmt::Display for Generator {
    /// `blankett 0.1.0`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.name, self.version)
    }
}

/// The time of a run as the outputs record it (`generatedAt`): RFC 3339 in UTC, to the second
/// (`2022-05-02T08:30:00Z`). The time comes from the caller's clock, never read here, so that
/// tests and golden runs can fix it (`BLANKETT_NOW` on the command line).
pub fn generated_at(t: SystemTime) -> String {
    crate::output::rfc3339(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generator_is_this_package_and_the_time_is_rfc_3339_to_the_second() {
        let g = Generator::this();
        assert_eq!(
            g.to_string(),
            format!("blankett {}", env!("CARGO_PKG_VERSION"))
        );
        let t = SystemTime::UNIX_EPOCH + std::time::Duration::from_millis(1_651_480_200_400);
        assert_eq!(generated_at(t), "2022-05-02T08:30:00Z");
    }
}
