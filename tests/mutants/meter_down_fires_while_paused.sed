# breaks: DlmsBridgeMeterDown pages for a meter an operator paused
# file: alerts/rules/dlms-bridge-meter-alerts.yml
# build: dlms-bridge
# kill: ^alerts\.promtool_test_rules$
/- alert: DlmsBridgeMeterDown$/,/for:/{/unless on (job, instance, meter) (dlms_bridge_meter_paused == 1)/d}
