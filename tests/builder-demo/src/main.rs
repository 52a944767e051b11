//! Uses the types protoforge::Builder generated in build.rs: builds a
//! cart, encodes it, decodes it and checks the round trip.

use prost::{Message, Name};

pub mod proto {
    include!(concat!(env!("OUT_DIR"), "/mod.rs"));
}

use proto::shop::v1::{cart, Cart, Money, Status, Stock};

/// The descriptor set written next to the code.
const DESCRIPTORS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/shop.pb"));

fn main() {
    let mut cart = Cart {
        id: "c-1".into(),
        coupon: Some("WELCOME".into()),
        updated_at: Some(prost_types::Timestamp {
            seconds: 1_700_000_000,
            nanos: 0,
        }),
        delivery: Some(cart::Delivery::PickupStore("north".into())),
        ..Default::default()
    };
    cart.set_status(Status::Open);
    cart.labels.insert("b".into(), "2".into());
    cart.labels.insert("a".into(), "1".into());
    cart.lines.push(cart::Line {
        sku: "sku-9".into(),
        quantity: 3,
        unit_price: Some(Money {
            currency: "EUR".into(),
            minor_units: 1250,
        }),
    });
    let bytes = cart.encode_to_vec();
    let back = Cart::decode(bytes.as_slice()).expect("decodes");
    assert_eq!(back, cart);
    // btree_map: labels iterate in key order.
    assert_eq!(back.labels.keys().collect::<Vec<_>>(), ["a", "b"]);
    assert!(
        Money {
            currency: "EUR".into(),
            minor_units: 1
        } < Money {
            currency: "EUR".into(),
            minor_units: 2
        }
    );
    assert_eq!(Cart::full_name(), "shop.v1.Cart");

    let stock = Stock {
        sku: Some("sku-9".into()),
        on_hand: Some(0),
        reserved: 0,
    };
    let stock_bytes = stock.encode_to_vec();
    // Explicit presence: a set zero is still written.
    assert_eq!(
        Stock::decode(stock_bytes.as_slice()).unwrap().on_hand,
        Some(0)
    );

    let set = prost_types::FileDescriptorSet::decode(DESCRIPTORS).expect("descriptor set");
    let names: Vec<&str> = set.file.iter().map(|f| f.name()).collect();
    assert!(names.contains(&"shop/v1/money.proto"), "{names:?}");
    println!(
        "builder-demo: cart of {} bytes, stock of {} bytes, {} files in the descriptor set",
        bytes.len(),
        stock_bytes.len(),
        names.len()
    );
}
