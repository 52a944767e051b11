//! Plain accessors (the proto2 default when unset) for the descriptor
//! fields the rules read.

use crate::descriptor::descriptor_proto::{ExtensionRange, ReservedRange};
use crate::descriptor::enum_descriptor_proto::EnumReservedRange;
use crate::descriptor::extension_range_options::Declaration;
use crate::descriptor::{EnumValueDescriptorProto, FieldDescriptorProto};

pub(crate) trait FieldGet {
    fn number(&self) -> i32;
    fn type_name(&self) -> &str;
    fn extendee(&self) -> &str;
}

impl FieldGet for FieldDescriptorProto {
    fn number(&self) -> i32 {
        self.number.unwrap_or(0)
    }
    fn type_name(&self) -> &str {
        self.type_name.as_deref().unwrap_or("")
    }
    fn extendee(&self) -> &str {
        self.extendee.as_deref().unwrap_or("")
    }
}

pub(crate) trait RangeGet {
    fn start(&self) -> i32;
    fn end(&self) -> i32;
}

macro_rules! range_get {
    ($($t:ty),*) => {$(
        impl RangeGet for $t {
            fn start(&self) -> i32 {
                self.start.unwrap_or(0)
            }
            fn end(&self) -> i32 {
                self.end.unwrap_or(0)
            }
        }
    )*};
}
range_get!(ExtensionRange, ReservedRange, EnumReservedRange);

pub(crate) trait NumberGet {
    fn number(&self) -> i32;
}

impl NumberGet for EnumValueDescriptorProto {
    fn number(&self) -> i32 {
        self.number.unwrap_or(0)
    }
}

pub(crate) trait DeclarationGet {
    fn number(&self) -> i32;
    fn reserved(&self) -> bool;
    fn repeated(&self) -> bool;
}

impl DeclarationGet for Declaration {
    fn number(&self) -> i32 {
        self.number.unwrap_or(0)
    }
    fn reserved(&self) -> bool {
        self.reserved.unwrap_or(false)
    }
    fn repeated(&self) -> bool {
        self.repeated.unwrap_or(false)
    }
}
