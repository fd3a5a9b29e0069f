//! Thread priority: work that may wait (the officers' live views, a
//! benchmark's load generator) runs below the residents' requests.

/// Lowers the calling thread's CPU priority to the nice value `nice` (on
/// Linux a nice value is each thread's own): the thread then gets a share
/// of the cores only as the threads at the usual 0 leave it.
pub fn lower_thread_priority(nice: i32) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: gettid and setpriority take and return plain integers and
        // touch no memory of ours.
        let done = unsafe {
            let thread = libc::syscall(libc::SYS_gettid) as libc::id_t;
            libc::setpriority(libc::PRIO_PROCESS, thread, nice)
        };
        if done != 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(())
}
