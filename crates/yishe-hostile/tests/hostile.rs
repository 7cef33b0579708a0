//! The hostile-input harness under proptest, in the default test run: protobuf-shaped
//! bytes (random fields of every wire type, strings of any length and script, nested
//! messages, truncations) through every package's requests. Plain random bytes rarely
//! decode as anything; these decode often and reach the validation behind the decoding.

use proptest::prelude::*;

/// One protobuf field: a tag and a value of one of the wire types.
#[derive(Debug, Clone)]
enum Field {
    Varint(u32, u64),
    Fixed64(u32, u64),
    Fixed32(u32, u32),
    Text(u32, String),
    Nested(u32, Vec<Field>),
}

fn varint(mut n: u64, out: &mut Vec<u8>) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn encode(fields: &[Field], out: &mut Vec<u8>) {
    for field in fields {
        let (number, wire) = match field {
            Field::Varint(n, _) => (n, 0),
            Field::Fixed64(n, _) => (n, 1),
            Field::Text(n, _) | Field::Nested(n, _) => (n, 2),
            Field::Fixed32(n, _) => (n, 5),
        };
        varint(u64::from(*number) << 3 | wire, out);
        match field {
            Field::Varint(_, v) => varint(*v, out),
            Field::Fixed64(_, v) => out.extend_from_slice(&v.to_le_bytes()),
            Field::Fixed32(_, v) => out.extend_from_slice(&v.to_le_bytes()),
            Field::Text(_, s) => {
                varint(s.len() as u64, out);
                out.extend_from_slice(s.as_bytes());
            }
            Field::Nested(_, inner) => {
                let mut bytes = Vec::new();
                encode(inner, &mut bytes);
                varint(bytes.len() as u64, out);
                out.extend_from_slice(&bytes);
            }
        }
    }
}

/// Field numbers our messages use (1 to 20), and now and then one they do not.
fn number() -> impl Strategy<Value = u32> {
    prop_oneof![9 => 1u32..=20, 1 => 21u32..=536_870_911]
}

/// Values near the edges: 0, small, negative as i32/i64 varints, huge.
fn integer() -> impl Strategy<Value = u64> {
    prop_oneof![
        Just(0u64),
        0u64..=16,
        Just(u64::MAX),
        Just(i32::MIN as i64 as u64),
        Just(i64::MIN as u64),
        any::<u64>(),
    ]
}

/// Text: empty, blank, ids, timestamps, filters, long, any script.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("   ".to_owned()),
        Just("01a24c79-607a-7014-b7aa-5bfa20cba245".to_owned()),
        Just("2026-12-06T10:00:00Z".to_owned()),
        Just("status=REQUESTED AND update_time>2026-01-01T00:00:00Z".to_owned()),
        Just("phq9".to_owned()),
        "[a-z_.=<> ]{0,40}",
        ".{0,64}",
        "\\PC{0,300}",
        prop::collection::vec(any::<char>(), 0..2000).prop_map(|c| c.into_iter().collect()),
    ]
}

fn fields() -> impl Strategy<Value = Vec<Field>> {
    let leaf = prop_oneof![
        (number(), integer()).prop_map(|(n, v)| Field::Varint(n, v)),
        (number(), any::<u64>()).prop_map(|(n, v)| Field::Fixed64(n, v)),
        (number(), any::<u32>()).prop_map(|(n, v)| Field::Fixed32(n, v)),
        (number(), text()).prop_map(|(n, s)| Field::Text(n, s)),
    ];
    let field = leaf.prop_recursive(4, 64, 12, |inner| {
        (number(), prop::collection::vec(inner, 0..12)).prop_map(|(n, f)| Field::Nested(n, f))
    });
    prop::collection::vec(field, 0..16)
}

/// Encoded fields, sometimes cut short or with a stray byte.
fn message_bytes() -> impl Strategy<Value = Vec<u8>> {
    (fields(), any::<u8>(), 0usize..4).prop_map(|(fields, stray, damage)| {
        let mut bytes = Vec::new();
        encode(&fields, &mut bytes);
        match damage {
            0 if !bytes.is_empty() => {
                bytes.truncate(bytes.len() - 1);
            }
            1 => bytes.push(stray),
            _ => {}
        }
        bytes
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn no_request_of_any_package_panics(bytes in message_bytes()) {
        for (_, package) in yishe_hostile::PACKAGES {
            package(&bytes);
        }
    }

    #[test]
    fn raw_bytes_do_not_panic_either(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        for (_, package) in yishe_hostile::PACKAGES {
            package(&bytes);
        }
    }
}

/// The harness does reach validation: a message decoded from these bytes is refused
/// with the fields named, and a valid one passes (the harness would panic otherwise).
#[test]
fn the_harness_reaches_validation() {
    // CreateReferralRequest with only request_id = "x": decodes, then fails validation.
    let mut bytes = Vec::new();
    encode(&[Field::Text(1, "x".into())], &mut bytes);
    let create =
        <yishe_proto::referral::CreateReferralRequest as prost::Message>::decode(bytes.as_slice())
            .unwrap();
    let refused = yishe_proto::convert::referral::create_request(create)
        .validate(chrono::Utc::now())
        .unwrap_err();
    assert!(refused.names("referral.patient"), "{refused:?}");
    yishe_hostile::referral(&bytes);
}
