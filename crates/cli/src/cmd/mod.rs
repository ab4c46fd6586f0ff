//! One module per subcommand.
pub mod change_passphrase;
pub mod doctor;
pub mod init;
