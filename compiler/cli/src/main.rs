//! `bopsc`, the bops command-line compiler. (Being written.)

fn main() {}
