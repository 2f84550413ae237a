#pragma once
// What the outbox pump needs from a connection: hand over one QoS 1 PUBLISH and learn its
// message id or why it was refused. PUBACKs come back as OutboxPump::acked(lane, mid) calls
// from whoever owns the connection (a Channel in the service, a script in the unit tests).
#include <string>

namespace bridge::mqtt {

struct PublishResult {
  int rc = 0;              // client library code (MOSQ_ERR_*), for logs
  int mid = 0;             // valid when queued
  bool queued = false;     // the client holds the message and will (re)send it until its PUBACK
  bool permanent = false;  // refused, and retrying the same message can never succeed
};

class Publisher {
 public:
  virtual ~Publisher() = default;
  virtual PublishResult publish(const std::string& topic, const std::string& payload) = 0;
  // Up (CONNACK seen, not lost since): the pump hands nothing to a publisher that is down.
  virtual bool connected() const = 0;
};

}  // namespace bridge::mqtt
