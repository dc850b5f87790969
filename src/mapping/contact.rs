//! Contact details: kept as written, and normalized where that is safe (a Swedish phone
//! number in international form, an e-mail address in lower case once it is well formed).

use crate::schema::is_email;
use crate::submission::Contact;

/// Builds the contact from what the form's fields say.
pub fn contact(name: Option<&str>, phone: Option<&str>, email: Option<&str>) -> Contact {
    let clean = |s: Option<&str>| {
        s.map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let (name, phone, email) = (clean(name), clean(phone), clean(email));
    let email_valid = email.as_deref().map(is_email);
    Contact {
        name,
        phone: phone
            .as_deref()
            .map(|p| swedish_phone(p).unwrap_or_else(|| p.to_owned())),
        phone_as_written: phone,
        email: email.as_deref().map(|e| {
            if is_email(e) {
                e.to_lowercase()
            } else {
                e.to_owned()
            }
        }),
        email_as_written: email,
        email_valid,
    }
}

/// A Swedish number in international form, keeping the writer's grouping:
/// `08-508 100 51` → `+46 8 508 100 51`, `070-123 45 67` → `+46 70 123 45 67`,
/// `+46 (0)8 508 100 51` → `+46 8 508 100 51`. `None` when it is not one.
pub fn swedish_phone(written: &str) -> Option<String> {
    let s = written.trim().replace("(0)", "");
    let (rest, had_country) = if let Some(r) = s.strip_prefix("+46") {
        (r.trim_start().to_owned(), true)
    } else if let Some(r) = s.strip_prefix("0046") {
        (r.trim_start().to_owned(), true)
    } else {
        (s.clone(), false)
    };
    if !rest
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '/' | '.' | '\u{a0}'))
    {
        return None;
    }
    let digits: String = rest.chars().filter(char::is_ascii_digit).collect();
    let national = if had_country {
        digits.trim_start_matches('0').to_owned()
    } else {
        digits.strip_prefix('0')?.to_owned()
    };
    // Swedish numbers have 7 to 9 digits after the trunk 0 (area code included).
    if !(7..=9).contains(&national.len()) || national.starts_with('0') {
        return None;
    }
    // Keep the groups as written: the first separator after the area code becomes a space.
    let mut groups: Vec<String> = rest
        .split(|c: char| !c.is_ascii_digit())
        .filter(|g| !g.is_empty())
        .map(str::to_owned)
        .collect();
    if let Some(first) = groups.first_mut() {
        let trimmed = first.trim_start_matches('0').to_owned();
        *first = trimmed;
    }
    groups.retain(|g| !g.is_empty());
    let grouped = groups.join(" ");
    let grouped_digits: String = grouped.chars().filter(char::is_ascii_digit).collect();
    if grouped_digits == national && groups.len() > 1 {
        Some(format!("+46 {grouped}"))
    } else {
        Some(format!("+46 {national}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swedish_numbers_in_international_form() {
        assert_eq!(
            swedish_phone("08-508 100 51").as_deref(),
            Some("+46 8 508 100 51")
        );
        assert_eq!(
            swedish_phone("070-123 45 67").as_deref(),
            Some("+46 70 123 45 67")
        );
        assert_eq!(
            swedish_phone("+46 8 508 100 51").as_deref(),
            Some("+46 8 508 100 51")
        );
        assert_eq!(
            swedish_phone("+46 (0)8 508 100 51").as_deref(),
            Some("+46 8 508 100 51")
        );
        assert_eq!(
            swedish_phone("0850810051").as_deref(),
            Some("+46 850810051")
        );
        assert_eq!(swedish_phone("ring växeln"), None);
        assert_eq!(swedish_phone("123"), None);
    }

    #[test]
    fn addresses_are_checked_and_lower_cased() {
        let c = contact(
            Some(" Helena Näslund "),
            Some("08-508 100 51"),
            Some("Helena.naslund@stockholm.se"),
        );
        assert_eq!(c.name.as_deref(), Some("Helena Näslund"));
        assert_eq!(c.email.as_deref(), Some("helena.naslund@stockholm.se"));
        assert_eq!(
            c.email_as_written.as_deref(),
            Some("Helena.naslund@stockholm.se")
        );
        assert_eq!(c.email_valid, Some(true));
        assert_eq!(c.phone.as_deref(), Some("+46 8 508 100 51"));
        let bad = contact(None, None, Some("helena.naslund(at)stockholm.se"));
        assert_eq!(bad.email_valid, Some(false));
        assert_eq!(bad.email.as_deref(), Some("helena.naslund(at)stockholm.se"));
    }
}
