fn main() { partner_desk_lib::run() }
