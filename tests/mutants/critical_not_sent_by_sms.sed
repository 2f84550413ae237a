# breaks: critical alerts no longer go to the SMS receiver (email only)
# file: alerts/alertmanager.yml
# build: dlms-bridge
# kill: ^alerts\.route_critical
/^ *- matchers: \[severity="critical"\]$/,/receiver:/s/receiver: oncall-sms/receiver: oncall-email/
