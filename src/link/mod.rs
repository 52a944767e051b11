//! Stage 3: from syntax trees to descriptors.

pub mod dynamic;
pub mod lower;
pub mod resolve;
pub mod symbols;
