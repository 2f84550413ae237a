// Every thread of the process carries the executable's static TLS: `dlms-bridge run` has
// max_connections + 4 HTTP worker threads (516 by default), so a thread_local object of a few KB
// costs megabytes (a 4 KB receive buffer and a 2.5 KB random engine were 3.4 MB at 519 threads).
// Large per-thread state goes on the heap, made on first use by the threads that need it.
#include <link.h>

#include <gtest/gtest.h>

#include "bridge/poller/backoff.h"
#include "bridge/poller/dlms_meter_connection.h"

namespace {

int main_program_tls(dl_phdr_info* info, std::size_t, void* out) {
  if (info->dlpi_name != nullptr && info->dlpi_name[0] != '\0') return 0;  // a shared library
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    if (info->dlpi_phdr[i].p_type == PT_TLS) *static_cast<std::size_t*>(out) = info->dlpi_phdr[i].p_memsz;
  }
  return 1;
}

TEST(ThreadFootprint, the_poller_and_the_transport_keep_no_large_thread_local_objects) {
  // Both users of thread_local state are linked into this executable: the backoff jitter and,
  // through the DLMS connections, the TCP stream's receive buffer.
  EXPECT_GE(bridge::poller::default_random()(), 0.0);
  EXPECT_TRUE(bridge::poller::dlms_connection_factory(nullptr));
  std::size_t tls = 0;
  dl_iterate_phdr(&main_program_tls, &tls);
  EXPECT_LT(tls, 1024u) << "static TLS per thread of this executable";
}

}  // namespace
