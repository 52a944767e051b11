//! Stage 3: from syntax trees to descriptors.

pub mod lower;
