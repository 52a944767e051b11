//! Generates the crate's protobuf types with protoforge, as a user's
//! build script would.

fn main() -> std::io::Result<()> {
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").unwrap());
    protoforge::Builder::new()
        .include("proto")
        .btree_map([".shop.v1.Cart.labels"])
        .type_attribute(".shop.v1.Money", "#[derive(PartialOrd)]")
        .enable_type_names()
        .descriptor_set_path(out.join("shop.pb"))
        .compile(&[
            "proto/shop/v1/cart.proto",
            "proto/shop/v1/money.proto",
            "proto/shop/v1/stock.proto",
        ])
}
