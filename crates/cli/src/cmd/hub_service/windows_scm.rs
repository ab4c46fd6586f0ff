//! The hub as a Windows service: registered with the service control manager
//! (`windows-service`), run by it through `madoguchi hub run-service`, logging to the
//! Application event log.
use std::{
    ffi::OsString,
    io::Write,
    net::SocketAddr,
    path::PathBuf,
    process::Command,
    sync::{Arc, OnceLock},
    time::{Duration, Instant},
};

use anyhow::{anyhow, bail, Context, Result};
use madoguchi_core::{DataDir, Store};
use madoguchi_sync::hub::Hub as Server;
use tracing_subscriber::fmt::MakeWriter;
use windows_service::{
    define_windows_service,
    service::{
        ServiceAccess, ServiceAction, ServiceActionType, ServiceControl, ServiceControlAccept,
        ServiceErrorControl, ServiceExitCode, ServiceFailureActions, ServiceFailureResetPeriod,
        ServiceInfo, ServiceStartType, ServiceState, ServiceStatus, ServiceType,
    },
    service_control_handler::{self, ServiceControlHandlerResult},
    service_dispatcher,
    service_manager::{ServiceManager, ServiceManagerAccess},
};

use super::windows::{
    firewall_rule_removal, Plan, DESCRIPTION, DISPLAY_NAME, EVENT_SOURCE, FIREWALL_RULE, SERVICE,
};
use crate::passphrase::{self, PASSPHRASE_ENV};

/// Registers the service: checks the passphrase opens the store, creates the service, gives the
/// data directory and the passphrase file their access lists, writes the passphrase, and
/// registers the event source. Run as an administrator.
pub fn install(dir: &DataDir, plan: &Plan) -> Result<()> {
    let typed = passphrase::typed(PASSPHRASE_ENV, "Site passphrase: ")?;
    let passphrase = madoguchi_core::Passphrase::new(typed.to_string());
    drop(
        Store::open(dir, &passphrase)
            .context("the passphrase does not open this data directory's store")?,
    );
    let manager = ServiceManager::local_computer(
        None::<&str>,
        ServiceManagerAccess::CONNECT | ServiceManagerAccess::CREATE_SERVICE,
    )
    .context("opening the service manager (run this as an administrator)")?;
    let info = ServiceInfo {
        name: SERVICE.into(),
        display_name: DISPLAY_NAME.into(),
        service_type: ServiceType::OWN_PROCESS,
        start_type: ServiceStartType::AutoStart,
        error_control: ServiceErrorControl::Normal,
        executable_path: PathBuf::from(&plan.program),
        launch_arguments: plan.arguments.clone(),
        dependencies: vec![],
        account_name: Some(OsString::from(&plan.account)),
        account_password: None,
    };
    let service = manager
        .create_service(
            &info,
            ServiceAccess::CHANGE_CONFIG | ServiceAccess::START | ServiceAccess::DELETE,
        )
        .with_context(|| format!("creating the service {SERVICE} (already there? `madoguchi hub uninstall-service` first)"))?;
    if let Err(e) = configure(&service, plan, &typed) {
        // Nothing half-made stays: no passphrase in a file, no service, no firewall rule. The
        // command can simply be run again.
        if std::fs::remove_file(&plan.passphrase_file).is_err()
            && std::path::Path::new(&plan.passphrase_file).exists()
        {
            eprintln!(
                "note: delete {} by hand",
                plan.passphrase_file.to_string_lossy()
            );
        }
        if let Err(d) = service.delete() {
            eprintln!("note: the half-made service {SERVICE} stays registered: {d}");
        }
        let _ = tool("netsh", &firewall_rule_removal());
        return Err(e);
    }
    println!("{SERVICE}");
    eprintln!(
        "Then: sc.exe start {SERVICE}   (stop: sc.exe stop {SERVICE}; logs: Event Viewer > Windows Logs > Application, source \"{EVENT_SOURCE}\")"
    );
    Ok(())
}

/// The service's description and recovery, the passphrase file and the access lists, the
/// firewall rule and the event source.
fn configure(service: &windows_service::service::Service, plan: &Plan, typed: &str) -> Result<()> {
    service
        .set_description(DESCRIPTION)
        .context("setting the service's description")?;
    if let Err(e) = restart_on_failure(service) {
        // The hub runs without it; a person restarts it (Services > Madoguchi ハブ > 回復).
        eprintln!("note: the service will not restart by itself after a failure: {e:#}");
    }
    // The passphrase file's folder and the data directory are made private first; then the
    // file is made new in the private folder (one that was there, perhaps someone else's, is
    // removed), given its list, checked on the open handle, and only then written to.
    let secret = std::path::Path::new(&plan.passphrase_file);
    if let Some(folder) = secret.parent() {
        std::fs::create_dir_all(folder)
            .with_context(|| format!("creating {}", folder.display()))?;
    }
    for list in &plan.private_folders {
        tool("icacls", list)?;
    }
    if secret.exists() {
        std::fs::remove_file(secret)
            .with_context(|| format!("removing the old {}", secret.display()))?;
    }
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .open(secret)
        .with_context(|| format!("creating {}", secret.display()))?;
    tool("icacls", &plan.file_access)?;
    crate::windows_acl::refuse_if_others_may_read(&file, secret)?;
    file.write_all(typed.as_bytes())?;
    file.sync_all()?;
    drop(file);
    // As the service will read it.
    passphrase::read_file(secret)?;
    tool("netsh", &plan.firewall_rule)?;
    winlog2::register(EVENT_SOURCE).context("registering the event log source")?;
    Ok(())
}

/// Restart 5 s after a failure, and after a second and a third within a day; after that it stays
/// stopped (Windows repeats the last action, so the last is "none": a hub that cannot start, a
/// refused passphrase file or a taken port, does not retry every 5 s for ever). A hub that stops
/// with an error (not only one that crashes) counts as a failure.
fn restart_on_failure(service: &windows_service::service::Service) -> Result<()> {
    let restart = ServiceAction {
        action_type: ServiceActionType::Restart,
        delay: Duration::from_secs(5),
    };
    service
        .update_failure_actions(ServiceFailureActions {
            reset_period: ServiceFailureResetPeriod::After(Duration::from_secs(24 * 3600)),
            reboot_msg: None,
            command: None,
            actions: Some(vec![
                restart.clone(),
                restart.clone(),
                restart,
                ServiceAction {
                    action_type: ServiceActionType::None,
                    delay: Duration::ZERO,
                },
            ]),
        })
        .context("setting the failure actions")?;
    service
        .set_failure_actions_on_non_crash_failures(true)
        .context("setting failure actions for a stop with an error")?;
    Ok(())
}

/// Stops the service if it runs and removes it, and its event source. The data directory and the
/// passphrase file stay (the end-of-contract wipe removes data; operator manual 6-14).
pub fn uninstall() -> Result<()> {
    let manager = ServiceManager::local_computer(None::<&str>, ServiceManagerAccess::CONNECT)
        .context("opening the service manager (run this as an administrator)")?;
    let service = manager
        .open_service(
            SERVICE,
            ServiceAccess::QUERY_STATUS | ServiceAccess::STOP | ServiceAccess::DELETE,
        )
        .with_context(|| format!("opening the service {SERVICE}"))?;
    // A service still starting may refuse to stop now: it is marked for deletion all the same,
    // and goes once it has stopped.
    if service.query_status()?.current_state != ServiceState::Stopped {
        if let Err(e) = service.stop() {
            eprintln!("note: asking the service to stop: {e}");
        }
    }
    service.delete()?;
    let deadline = Instant::now() + Duration::from_secs(30);
    while service.query_status()?.current_state != ServiceState::Stopped {
        if Instant::now() > deadline {
            bail!("{SERVICE} is marked for deletion but did not stop within 30 s: stop it with sc.exe stop {SERVICE}");
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    if let Err(e) = tool("netsh", &firewall_rule_removal()) {
        eprintln!("note: the firewall rule \"{FIREWALL_RULE}\" stays: {e:#}");
    }
    if let Err(e) = winlog2::deregister(EVENT_SOURCE) {
        eprintln!("note: the event source stays registered: {e}");
    }
    println!("removed {SERVICE}; the data directory and the passphrase file stay");
    Ok(())
}

/// Runs a Windows tool (`icacls`, `netsh`) with `args`; fails with its output if it fails.
fn tool(program: &str, args: &[OsString]) -> Result<()> {
    let out = Command::new(program)
        .args(args)
        .env_remove(PASSPHRASE_ENV)
        .output()
        .with_context(|| format!("running {program}"))?;
    if !out.status.success() {
        bail!(
            "{program} {:?} failed: {}{}",
            args.first(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(())
}

/// What the service manager starts: `madoguchi hub run-service`.
struct Launch {
    dir: DataDir,
    listen: SocketAddr,
    passphrase_file: PathBuf,
}

static LAUNCH: OnceLock<Launch> = OnceLock::new();

define_windows_service!(ffi_service_main, service_main);

/// Hands this process to the service manager, which calls [`service_main`] on its own thread
/// and returns when the service has stopped.
pub fn run(dir: &DataDir, listen: SocketAddr, passphrase_file: PathBuf) -> Result<()> {
    LAUNCH
        .set(Launch {
            dir: dir.clone(),
            listen,
            passphrase_file,
        })
        .map_err(|_| anyhow!("the service is already running in this process"))?;
    service_dispatcher::start(SERVICE, ffi_service_main).context(
        "only the service manager runs `hub run-service`; in a console use `madoguchi hub serve`",
    )
}

fn service_main(_arguments: Vec<OsString>) {
    let Some(launch) = LAUNCH.get() else { return };
    if let Err(e) = serve(launch) {
        // Only when the service manager could not be told (a stop it heard is logged by serve).
        tracing::error!("the hub service could not report to the service manager: {e:#}");
    }
}

/// Reports start, serves until the service manager says stop, logs and reports the end: exit
/// code 0, or a service-specific 1 after an error (so the failure actions restart it). Fails
/// only when the service manager cannot be told.
fn serve(launch: &Launch) -> Result<()> {
    let stop = Arc::new(tokio::sync::Notify::new());
    let stopper = stop.clone();
    let status = service_control_handler::register(SERVICE, move |control| match control {
        ServiceControl::Stop | ServiceControl::Shutdown => {
            stopper.notify_one();
            ServiceControlHandlerResult::NoError
        }
        ServiceControl::Interrogate => ServiceControlHandlerResult::NoError,
        _ => ServiceControlHandlerResult::NotImplemented,
    })?;
    let report = |state, accept, exit_code, wait_hint| {
        status.set_service_status(ServiceStatus {
            service_type: ServiceType::OWN_PROCESS,
            current_state: state,
            controls_accepted: accept,
            exit_code,
            checkpoint: 0,
            wait_hint,
            process_id: None,
        })
    };
    report(
        ServiceState::StartPending,
        ServiceControlAccept::empty(),
        ServiceExitCode::Win32(0),
        Duration::from_secs(60),
    )?;
    let result = (|| {
        let passphrase = passphrase::read_file(&launch.passphrase_file)?;
        let store = Store::open(&launch.dir, &passphrase)?.act_as_site("hub");
        let runtime = tokio::runtime::Runtime::new()?;
        runtime.block_on(async {
            let hub = Server::new(store)?;
            let running = |_, _: &Server| {
                let accept = ServiceControlAccept::STOP | ServiceControlAccept::SHUTDOWN;
                if let Err(e) = report(
                    ServiceState::Running,
                    accept,
                    ServiceExitCode::Win32(0),
                    Duration::ZERO,
                ) {
                    tracing::warn!("cannot report the service running: {e}");
                }
            };
            super::super::hub::serve_until(hub, launch.listen, running, stop.notified()).await
        })
    })();
    // Logged before the stop is reported: once it is, the service manager's dispatcher returns
    // on the main thread and the process ends.
    let exit = match &result {
        Ok(()) => {
            tracing::info!("the hub service stopped");
            ServiceExitCode::Win32(0)
        }
        Err(e) => {
            tracing::error!("the hub service stopped: {e:#}");
            ServiceExitCode::ServiceSpecific(1)
        }
    };
    report(
        ServiceState::Stopped,
        ServiceControlAccept::empty(),
        exit,
        Duration::ZERO,
    )?;
    Ok(())
}

/// Sends the service's log lines to the Application event log (source [`EVENT_SOURCE`]), at
/// their level: the lines tracing formats after `filter`, one event log entry each. The event
/// log is the `log` crate's logger, so libraries logging through `log` (rustls) reach it
/// directly: `log`'s own level is held to the filter's, which keeps their handshake traces out.
pub fn init_event_log(filter: tracing_subscriber::EnvFilter) -> Result<()> {
    let level = match filter.max_level_hint() {
        Some(tracing::level_filters::LevelFilter::OFF) => log::LevelFilter::Off,
        Some(tracing::level_filters::LevelFilter::ERROR) => log::LevelFilter::Error,
        Some(tracing::level_filters::LevelFilter::WARN) => log::LevelFilter::Warn,
        Some(tracing::level_filters::LevelFilter::DEBUG) => log::LevelFilter::Debug,
        Some(tracing::level_filters::LevelFilter::TRACE) => log::LevelFilter::Trace,
        _ => log::LevelFilter::Info,
    };
    winlog2::init(EVENT_SOURCE).context("opening the event log")?;
    log::set_max_level(level);
    // Not `try_init`: it would also make `log` records tracing's, and `log` is the event log's.
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .without_time()
        .with_writer(EventLog)
        .finish();
    tracing::subscriber::set_global_default(subscriber).map_err(|e| anyhow!("{e}"))
}

/// A [`MakeWriter`] whose writers send what they were given to the event log when dropped.
struct EventLog;

struct Entry {
    level: log::Level,
    text: Vec<u8>,
}

impl<'a> MakeWriter<'a> for EventLog {
    type Writer = Entry;

    fn make_writer(&'a self) -> Entry {
        Entry {
            level: log::Level::Info,
            text: Vec::new(),
        }
    }

    fn make_writer_for(&'a self, meta: &tracing::Metadata<'_>) -> Entry {
        let level = match *meta.level() {
            tracing::Level::ERROR => log::Level::Error,
            tracing::Level::WARN => log::Level::Warn,
            tracing::Level::INFO => log::Level::Info,
            tracing::Level::DEBUG => log::Level::Debug,
            tracing::Level::TRACE => log::Level::Trace,
        };
        Entry {
            level,
            text: Vec::new(),
        }
    }
}

impl Write for Entry {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.text.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for Entry {
    fn drop(&mut self) {
        let text = String::from_utf8_lossy(&self.text);
        let text = text.trim();
        if !text.is_empty() {
            log::log!(target: "madoguchi", self.level, "{text}");
        }
    }
}
