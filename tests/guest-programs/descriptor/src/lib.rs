//! A connector component whose descriptor is the hostile one of
//! `tests/guest-programs/src/scenarios/descriptor.rs`. It runs nothing: the host must refuse
//! the descriptor before any call.

#[path = "../../src/scenarios/descriptor.rs"]
mod scenario;

use connector_sdk::env::Env;
use connector_sdk::{export_connector, wit, Connector, Error, Result};

/// The connector with the hostile descriptor.
struct HostileDescriptor;

impl Connector for HostileDescriptor {
    fn descriptor() -> wit::Descriptor {
        scenario::descriptor()
    }

    fn test_connection(_: &mut dyn Env, _: &wit::Connection) -> Result<String> {
        Ok("{}".into())
    }

    fn execute(_: &mut dyn Env, _: &wit::Connection, action: &str, _: &str) -> Result<String> {
        // Were the descriptor accepted, a call to a duplicate name would land here.
        Err(Error::internal(format!(
            "`{action}` ran: the descriptor was not refused"
        )))
    }
}

export_connector!(HostileDescriptor);
