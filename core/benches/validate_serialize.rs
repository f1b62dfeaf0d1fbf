//! validate + serialize a full request (every field set), the CPU work the SDK adds before
//! any byte is sent. `cargo bench -p hypercheckout --bench validate_serialize`
#![allow(clippy::result_large_err)]

use criterion::{criterion_group, criterion_main, Criterion};
use hypercheckout::{
    validate, wire, AmountRule, CreateMandate, Mandate, MandateFrequency, SessionRequest,
};
use std::hint::black_box;

fn full_request() -> SessionRequest {
    SessionRequest {
        customer_email: Some("test@mail.com".into()),
        customer_phone: Some("9876543210".into()),
        return_url: Some("https://shop.merchant.com/return".into()),
        first_name: Some("John".into()),
        last_name: Some("Wick (Jr.)".into()),
        currency: Some("INR".into()),
        description: Some("Complete your payment".into()),
        language: Some("EN".into()),
        metadata: [("JUSPAY:gateway_reference_id".to_owned(), "BUS".to_owned())].into(),
        create_mandate: Some(CreateMandate::Optional),
        mandate: Some(Mandate {
            max_amount: Some("1000.00".into()),
            start_date: Some("1633087969".into()),
            end_date: Some("1733087969".into()),
            frequency: Some(MandateFrequency::Monthly),
            rule_value: Some("5".into()),
            amount_rule: Some(AmountRule::Variable),
            revokable_by_customer: Some(true),
            block_funds: Some(false),
        }),
        udf1: Some("user5349".into()),
        udf6: Some("user_5349@x".into()),
        extra_fields: [("offer_code".to_owned(), "testingCode".to_owned())].into(),
        ..SessionRequest::new("order-id-9876580", "100.15", "customer-id-007", "client")
    }
}

fn bench(c: &mut Criterion) {
    let request = full_request();
    assert!(validate(&request).is_empty());
    c.bench_function("validate(full request)", |b| {
        b.iter(|| validate(black_box(&request)))
    });
    c.bench_function("serialize(full request)", |b| {
        b.iter(|| wire::to_wire_json(black_box(&request)))
    });
    c.bench_function("validate + serialize", |b| {
        b.iter(|| {
            let request = black_box(&request);
            assert!(validate(request).is_empty());
            wire::to_wire_json(request)
        })
    });
    let json = wire::to_wire_json(&request);
    c.bench_function("parse_session_request(full body)", |b| {
        b.iter(|| wire::from_wire_json(black_box(&json)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
