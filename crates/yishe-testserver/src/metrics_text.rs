//! Reading a scrape of `/metrics` (the Prometheus text format) in tests.

use std::collections::BTreeSet;

/// The value of one series, written as Prometheus prints it (`name{label="v",...}`,
/// labels in alphabetical order); panics, showing the scrape, when it is absent.
pub fn metric_value(scrape: &str, series: &str) -> f64 {
    scrape
        .lines()
        .find_map(|line| {
            let value = line.strip_prefix(series)?.strip_prefix(' ')?;
            Some(value.trim().parse().expect("a number after the series"))
        })
        .unwrap_or_else(|| panic!("no {series} in\n{scrape}"))
}

/// The metric families a scrape declares (its `# TYPE` lines), with the names of a
/// histogram's series (`_bucket`, `_sum`, `_count`) too, as queries use them.
pub fn metric_names(scrape: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for line in scrape.lines() {
        let Some(declared) = line.strip_prefix("# TYPE ") else {
            continue;
        };
        let mut words = declared.split_whitespace();
        let (Some(name), Some(kind)) = (words.next(), words.next()) else {
            continue;
        };
        if kind == "histogram" {
            for series in ["_bucket", "_sum", "_count"] {
                names.insert(format!("{name}{series}"));
            }
        }
        names.insert(name.to_owned());
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCRAPE: &str = "# HELP a_total A.\n# TYPE a_total counter\n\
        a_total{station=\"s1\"} 3\n# TYPE b_seconds histogram\nb_seconds_count 2\n";

    #[test]
    fn reads_values_and_names() {
        assert_eq!(metric_value(SCRAPE, r#"a_total{station="s1"}"#), 3.0);
        assert_eq!(
            metric_names(SCRAPE).into_iter().collect::<Vec<_>>(),
            [
                "a_total",
                "b_seconds",
                "b_seconds_bucket",
                "b_seconds_count",
                "b_seconds_sum"
            ]
        );
    }

    #[test]
    #[should_panic(expected = "no a_total{station=\"s2\"}")]
    fn an_absent_series_is_named() {
        metric_value(SCRAPE, r#"a_total{station="s2"}"#);
    }
}
