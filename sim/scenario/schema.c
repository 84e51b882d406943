/* wisim scenario schema: the table of every group kind and key of
 * SCENARIO-FORMAT.md (type, unit, default, limits, choices, and whether this
 * build supports it), and the parser that reads values and defaults alike.
 * Later releases turn models on by flipping .supported flags here. */
#include <errno.h>
#include <glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "scenario-int.h"

/* ---- why a model is not there yet ----------------------------------------- */

#define WHY_WIFI "Wi-Fi comes with a later release"
#define WHY_MAC "the teaching MACs come with a later release"
#define WHY_TCP "TCP comes with a later release"

/* Entities a flow may join, and nodes a wired link may join. */
#define K_ENDPOINTS \
  (WS_KMASK(WS_KIND_HOST) | WS_KMASK(WS_KIND_UE) | WS_KMASK(WS_KIND_STATION) | WS_KMASK(WS_KIND_NODE))
#define K_WIRED (WS_KMASK(WS_KIND_HOST) | WS_KMASK(WS_KIND_ROUTER))
#define K_CELLS (WS_KMASK(WS_KIND_CELL) | WS_KMASK(WS_KIND_LAYOUT))
#define K_ANY_ENTITY                                                                   \
  (WS_KMASK(WS_KIND_CELL) | WS_KMASK(WS_KIND_LAYOUT) | WS_KMASK(WS_KIND_UE) |          \
   WS_KMASK(WS_KIND_AP) | WS_KMASK(WS_KIND_STATION) | WS_KMASK(WS_KIND_NODE) | K_WIRED | \
   WS_KMASK(WS_KIND_LINK))

/* Shorthands for the table rows. */
#define QTY(k, u, d, lim) .key = (k), .type = WS_VAL_QUANTITY, .unit = (u), .def = (d), .limit = (lim)
#define DIST(k, u, d, lim) .key = (k), .type = WS_VAL_DIST, .unit = (u), .def = (d), .limit = (lim)
#define COUNT_KEY                                                                            \
  {.key = "count", .type = WS_VAL_INT, .limit = WS_LIMIT_RANGE, .min = 1,                    \
   .max = WS_SCHEMA_MAX_COUNT, .doc = "number of members NAME/0..NAME/N-1 (1 to 100000)"}

/* ---- choices -------------------------------------------------------------- */

static const ws_choice pathloss_choices[] = {
    {"free-space", true, NULL},  {"log-distance", true, NULL},
    {"two-ray", true, NULL},     {"okumura-hata", true, NULL},
    {"cost231-hata", true, NULL}, {"3gpp-uma", true, NULL},
    {"3gpp-umi", true, NULL},    {"3gpp-rma", true, NULL},
    {NULL, false, NULL}};
static const ws_choice environment_choices[] = {
    {"urban", true, NULL}, {"suburban", true, NULL}, {"open", true, NULL},
    {NULL, false, NULL}};
static const ws_choice fading_choices[] = {
    {"none", true, NULL}, {"rayleigh", true, NULL}, {"rician", true, NULL},
    {NULL, false, NULL}};
static const ws_choice algorithm_choices[] = {
    {"a3", true, NULL}, {"none", true, NULL}, {NULL, false, NULL}};
static const ws_choice antenna_choices[] = {
    {"omni", true, NULL}, {"sector", true, NULL}, {NULL, false, NULL}};
static const ws_choice scheduler_choices[] = {
    {"rr", true, NULL}, {"pf", true, NULL}, {"maxci", true, NULL},
    {NULL, false, NULL}};
static const ws_choice layout_type_choices[] = {{"hex", true, NULL}, {NULL, false, NULL}};
static const ws_choice placement_choices[] = {
    {"uniform", true, NULL}, {"disc", true, NULL}, {"per-cell", true, NULL},
    {"points", true, NULL},  {NULL, false, NULL}};
static const ws_choice mobility_choices[] = {
    {"static", true, NULL},          {"linear", true, NULL},
    {"waypoints", true, NULL},       {"random-waypoint", true, NULL},
    {"random-walk", true, NULL},     {"gauss-markov", true, NULL},
    {"trace", true, NULL},           {NULL, false, NULL}};
static const ws_choice standard_choices[] = {
    {"802.11a", false, WHY_WIFI}, {"802.11g", false, WHY_WIFI}, {"802.11b", false, WHY_WIFI},
    {NULL, false, NULL}};
static const ws_choice mac_choices[] = {
    {"aloha", false, WHY_MAC}, {"slotted-aloha", false, WHY_MAC}, {"csma", false, WHY_MAC},
    {"dcf", false, WHY_MAC},   {NULL, false, NULL}};
static const ws_choice queue_choices[] = {
    {"droptail", true, NULL}, {"red", true, NULL}, {"codel", true, NULL},
    {NULL, false, NULL}};
static const ws_choice transport_choices[] = {
    {"udp", true, NULL}, {"tcp", true, NULL}, {NULL, false, NULL}};
static const ws_choice flow_type_choices[] = {
    {"cbr", true, NULL},
    {"poisson", true, NULL},
    {"onoff", true, NULL},
    {"bulk", true, NULL},
    {"voip", true, NULL},
    {"request-response", true, NULL},
    {"trace", true, NULL},
    {"ping", true, NULL},
    {"full-buffer", true, NULL},
    {NULL, false, NULL}};
static const ws_choice congestion_choices[] = {
    {"newreno", true, NULL}, {"cubic", true, NULL}, {NULL, false, NULL}};
static const ws_choice action_choices[] = {
    {"link-down", true, NULL}, {"link-up", true, NULL},
    {"cell-off", true, NULL},  {"cell-on", true, NULL},
    {NULL, false, NULL}};

/* ---- keys, kind by kind ----------------------------------------------------- */

static const ws_key_spec simulation_keys[] = {
    {QTY("duration", WS_UNIT_TIME, NULL, WS_LIMIT_POSITIVE), .flags = WS_KEY_REQUIRED,
     .doc = "simulated time"},
    {.key = "seed", .type = WS_VAL_INT, .def = "1", .limit = WS_LIMIT_NONNEG,
     .doc = "seed of every random stream"},
    {.key = "runs", .type = WS_VAL_INT, .def = "1", .limit = WS_LIMIT_RANGE, .min = 1,
     .max = 100000, .doc = "independent replications (run index 0..runs-1)"},
    {QTY("warmup", WS_UNIT_TIME, "0s", WS_LIMIT_NONNEG), .doc = "metrics start after it"},
    {QTY("metrics_interval", WS_UNIT_TIME, "1s", WS_LIMIT_NONNEG),
     .doc = "time-series period, 0s = no time series"},
    {.key = "name", .type = WS_VAL_NAME, .doc = "scenario name (default: the file's stem)"},
    {.key = "output", .type = WS_VAL_TEXT, .doc = "output folder (default: results/NAME)"},
};

static const ws_key_spec radio_keys[] = {
    {.key = "pathloss", .type = WS_VAL_ENUM, .def = "log-distance", .choices = pathloss_choices,
     .doc = "path loss model"},
    {.key = "exponent", .type = WS_VAL_NUMBER, .def = "3.0", .limit = WS_LIMIT_POSITIVE,
     .doc = "log-distance exponent"},
    {QTY("reference_distance", WS_UNIT_DISTANCE, "1m", WS_LIMIT_POSITIVE)},
    {.key = "environment", .type = WS_VAL_ENUM, .def = "urban", .choices = environment_choices,
     .doc = "Hata environment"},
    {.key = "large_city", .type = WS_VAL_BOOL, .def = "no"},
    {QTY("shadowing", WS_UNIT_RATIO, NULL, WS_LIMIT_NONNEG), .doc = "log-normal sigma"},
    {QTY("shadowing_decorrelation", WS_UNIT_DISTANCE, NULL, WS_LIMIT_POSITIVE)},
    {.key = "fading", .type = WS_VAL_ENUM, .def = "none", .choices = fading_choices,
     .doc = "small-scale fading"},
    {QTY("rician_k", WS_UNIT_RATIO, "6dB", WS_LIMIT_NONE)},
    {QTY("doppler_speed", WS_UNIT_SPEED, "3km/h", WS_LIMIT_NONNEG)},
    {QTY("noise_figure", WS_UNIT_RATIO, "9dB", WS_LIMIT_NONNEG)},
    {QTY("temperature", WS_UNIT_TEMPERATURE, "290K", WS_LIMIT_POSITIVE)},
};

static const ws_key_spec handover_keys[] = {
    {.key = "algorithm", .type = WS_VAL_ENUM, .def = "a3", .choices = algorithm_choices,
     .doc = "handover algorithm"},
    {QTY("hysteresis", WS_UNIT_RATIO, "3dB", WS_LIMIT_NONNEG)},
    {QTY("offset", WS_UNIT_RATIO, "0dB", WS_LIMIT_NONE)},
    {QTY("time_to_trigger", WS_UNIT_TIME, "256ms", WS_LIMIT_NONNEG)},
    {QTY("measurement_interval", WS_UNIT_TIME, "40ms", WS_LIMIT_POSITIVE)},
    {.key = "filter_coefficient", .type = WS_VAL_INT, .def = "4", .limit = WS_LIMIT_RANGE,
     .min = 0, .max = 19},
    {QTY("interruption", WS_UNIT_TIME, "30ms", WS_LIMIT_NONNEG)},
    {.key = "forwarding", .type = WS_VAL_BOOL, .def = "yes"},
    {QTY("rlf_threshold", WS_UNIT_RATIO, "-6dB", WS_LIMIT_NONE)},
    {QTY("t310", WS_UNIT_TIME, "1s", WS_LIMIT_NONNEG)},
    {QTY("reestablishment", WS_UNIT_TIME, "100ms", WS_LIMIT_NONNEG)},
    {QTY("pingpong_window", WS_UNIT_TIME, "1s", WS_LIMIT_NONNEG)},
};

static const ws_key_spec trace_keys[] = {
    /* Wired nodes and links only: they are what has tap points so far. */
    {.key = "pcap", .type = WS_VAL_REF_LIST, .def = "none", .words = "none|all",
     .ref_kinds = K_WIRED | WS_KMASK(WS_KIND_LINK),
     .doc = "nodes and links to capture in pcap/ (docs/traces.md)"},
    {.key = "ascii", .type = WS_VAL_BOOL, .def = "off", .doc = "event trace in trace.txt"},
};

/* Also the defaults a [layout] gives the cells it makes (all but position). */
static const ws_key_spec cell_keys[] = {
    {.key = "position", .type = WS_VAL_POINT, .flags = WS_KEY_REQUIRED},
    {DIST("height", WS_UNIT_DISTANCE, "25m", WS_LIMIT_NONNEG)},
    {DIST("tx_power", WS_UNIT_POWER, "46dBm", WS_LIMIT_NONE)},
    {QTY("frequency", WS_UNIT_FREQUENCY, "2.1GHz", WS_LIMIT_POSITIVE)},
    {.key = "numerology", .type = WS_VAL_INT, .def = "0", .limit = WS_LIMIT_RANGE, .min = 0,
     .max = 2},
    {QTY("bandwidth", WS_UNIT_FREQUENCY, "10MHz", WS_LIMIT_ABOVE), .min = 0, .max = 100e6},
    {.key = "antenna", .type = WS_VAL_ENUM, .def = "omni", .choices = antenna_choices,
     .doc = "antenna pattern"},
    {QTY("azimuth", WS_UNIT_ANGLE, "0deg", WS_LIMIT_NONE)},
    {QTY("beamwidth", WS_UNIT_ANGLE, "65deg", WS_LIMIT_ABOVE), .min = 0, .max = 360},
    {QTY("antenna_gain", WS_UNIT_GAIN, "0dBi", WS_LIMIT_NONE)},
    {QTY("front_to_back", WS_UNIT_RATIO, "30dB", WS_LIMIT_NONNEG)},
    {.key = "scheduler", .type = WS_VAL_ENUM, .def = "pf", .choices = scheduler_choices,
     .doc = "MAC scheduler"},
    {QTY("pf_window", WS_UNIT_TIME, "100ms", WS_LIMIT_POSITIVE)},
    {QTY("cqi_period", WS_UNIT_TIME, "5ms", WS_LIMIT_POSITIVE)},
    {QTY("cqi_delay", WS_UNIT_TIME, "4ms", WS_LIMIT_NONNEG)},
    {QTY("pc_p0", WS_UNIT_POWER, "-90dBm", WS_LIMIT_NONE)},
    {.key = "pc_alpha", .type = WS_VAL_NUMBER, .def = "0.8", .limit = WS_LIMIT_RANGE, .min = 0,
     .max = 1},
    {QTY("backhaul_rate", WS_UNIT_RATE, "10Gbit/s", WS_LIMIT_POSITIVE),
     .flags = WS_KEY_PRIMARY_UNIT},
    {QTY("backhaul_delay", WS_UNIT_TIME, "1ms", WS_LIMIT_NONNEG)},
    {.key = "uplink", .type = WS_VAL_REF, .def = "core", .ref_kinds = WS_KMASK(WS_KIND_ROUTER)},
};

static const ws_key_spec layout_keys[] = {
    {.key = "type", .type = WS_VAL_ENUM, .def = "hex", .choices = layout_type_choices,
     .doc = "cell layout"},
    {.key = "rings", .type = WS_VAL_INT, .def = "1", .limit = WS_LIMIT_RANGE, .min = 0, .max = 10},
    {QTY("isd", WS_UNIT_DISTANCE, "500m", WS_LIMIT_POSITIVE)},
    {.key = "sectors", .type = WS_VAL_INT, .def = "3", .limit = WS_LIMIT_RANGE, .min = 1,
     .max = 6},
    {.key = "center", .type = WS_VAL_POINT, .def = "0,0"},
    {.key = "wrap_around", .type = WS_VAL_BOOL, .def = "no"},
};

/* Placement and mobility, shared by [ue], [station] and [node]. */
#define PLACEMENT_MOBILITY_KEYS                                                               \
  COUNT_KEY,                                                                                  \
      {.key = "placement", .type = WS_VAL_ENUM, .def = "uniform", .choices = placement_choices, \
       .doc = "where members start"},                                                         \
      {.key = "area", .type = WS_VAL_AREA, .def = "-500,-500,500,500"},                       \
      {.key = "center", .type = WS_VAL_POINT, .def = "0,0"},                                  \
      {QTY("radius", WS_UNIT_DISTANCE, NULL, WS_LIMIT_POSITIVE)},                             \
      {.key = "per_cell", .type = WS_VAL_INT, .limit = WS_LIMIT_RANGE, .min = 1,              \
       .max = WS_SCHEMA_MAX_COUNT},                                                           \
      {.key = "points", .type = WS_VAL_POINTS},                                               \
      {.key = "mobility", .type = WS_VAL_ENUM, .def = "static", .choices = mobility_choices,  \
       .doc = "how members move"},                                                            \
      {DIST("speed", WS_UNIT_SPEED, NULL, WS_LIMIT_NONNEG)},                                  \
      {DIST("direction", WS_UNIT_ANGLE, NULL, WS_LIMIT_NONE)},                                \
      {.key = "waypoints", .type = WS_VAL_WAYPOINTS},                                         \
      {DIST("pause", WS_UNIT_TIME, NULL, WS_LIMIT_NONNEG)},                                   \
      {DIST("direction_change", WS_UNIT_TIME, NULL, WS_LIMIT_POSITIVE)},                      \
      {.key = "memory", .type = WS_VAL_NUMBER, .limit = WS_LIMIT_RANGE, .min = 0, .max = 1},  \
      {.key = "trace", .type = WS_VAL_TEXT}

static const ws_key_spec ue_keys[] = {
    PLACEMENT_MOBILITY_KEYS,
    {DIST("height", WS_UNIT_DISTANCE, "1.5m", WS_LIMIT_NONNEG)},
    {DIST("tx_power", WS_UNIT_POWER, "23dBm", WS_LIMIT_NONE)},
    {QTY("noise_figure", WS_UNIT_RATIO, NULL, WS_LIMIT_NONNEG)},
    {.key = "cell", .type = WS_VAL_REF, .def = "auto", .words = "auto", .ref_kinds = K_CELLS},
};

static const ws_key_spec ap_keys[] = {
    {.key = "position", .type = WS_VAL_POINT, .flags = WS_KEY_REQUIRED},
    {.key = "standard", .type = WS_VAL_ENUM, .def = "802.11a", .choices = standard_choices,
     .doc = "802.11 PHY"},
    {.key = "channel", .type = WS_VAL_INT, .limit = WS_LIMIT_RANGE, .min = 1, .max = 196},
    {DIST("tx_power", WS_UNIT_POWER, "20dBm", WS_LIMIT_NONE)},
    {QTY("rate", WS_UNIT_RATE, "auto", WS_LIMIT_POSITIVE), .words = "auto",
     .flags = WS_KEY_PRIMARY_UNIT},
    {QTY("rts_threshold", WS_UNIT_SIZE, "off", WS_LIMIT_POSITIVE), .words = "off",
     .flags = WS_KEY_PRIMARY_UNIT},
    {.key = "uplink", .type = WS_VAL_REF, .def = "core", .ref_kinds = WS_KMASK(WS_KIND_ROUTER)},
};

static const ws_key_spec station_keys[] = {
    PLACEMENT_MOBILITY_KEYS,
    {DIST("height", WS_UNIT_DISTANCE, "1.5m", WS_LIMIT_NONNEG)},
    {.key = "ap", .type = WS_VAL_REF, .def = "auto", .words = "auto",
     .ref_kinds = WS_KMASK(WS_KIND_AP)},
    {DIST("tx_power", WS_UNIT_POWER, "20dBm", WS_LIMIT_NONE)},
    {QTY("rate", WS_UNIT_RATE, "auto", WS_LIMIT_POSITIVE), .words = "auto",
     .flags = WS_KEY_PRIMARY_UNIT},
    {QTY("rts_threshold", WS_UNIT_SIZE, "off", WS_LIMIT_POSITIVE), .words = "off",
     .flags = WS_KEY_PRIMARY_UNIT},
};

static const ws_key_spec node_keys[] = {
    PLACEMENT_MOBILITY_KEYS,
    {.key = "mac", .type = WS_VAL_ENUM, .flags = WS_KEY_REQUIRED, .choices = mac_choices,
     .doc = "teaching MAC"},
    {.key = "persistence", .type = WS_VAL_NUMBER, .def = "1", .words = "non-persistent",
     .limit = WS_LIMIT_ABOVE, .min = 0, .max = 1, .doc = "CSMA: p, 1, or non-persistent"},
    {QTY("channel_rate", WS_UNIT_RATE, "1Mbit/s", WS_LIMIT_POSITIVE),
     .flags = WS_KEY_PRIMARY_UNIT},
    {QTY("slot", WS_UNIT_TIME, "1ms", WS_LIMIT_POSITIVE)},
    {DIST("tx_power", WS_UNIT_POWER, "20dBm", WS_LIMIT_NONE)},
    {QTY("range", WS_UNIT_DISTANCE, NULL, WS_LIMIT_POSITIVE)},
};

static const ws_key_spec host_keys[] = {COUNT_KEY};
static const ws_key_spec router_keys[] = {COUNT_KEY};

static const ws_key_spec link_keys[] = {
    {.key = "between", .type = WS_VAL_REF_PAIR, .flags = WS_KEY_REQUIRED, .ref_kinds = K_WIRED,
     .doc = "the two ends: hosts, routers or core"},
    {QTY("rate", WS_UNIT_RATE, NULL, WS_LIMIT_POSITIVE),
     .flags = WS_KEY_REQUIRED | WS_KEY_PRIMARY_UNIT},
    {QTY("delay", WS_UNIT_TIME, "0s", WS_LIMIT_NONNEG)},
    {QTY("loss", WS_UNIT_PROBABILITY, "0", WS_LIMIT_RANGE), .min = 0, .max = 1},
    /* 68 B: the smallest MTU every IPv4 link must carry (RFC 791). */
    {QTY("mtu", WS_UNIT_SIZE, "1500B", WS_LIMIT_RANGE), .min = 68, .max = 1e9,
     .flags = WS_KEY_PRIMARY_UNIT},
    {.key = "queue", .type = WS_VAL_ENUM, .def = "droptail", .choices = queue_choices,
     .doc = "queue discipline"},
    {QTY("red_min", WS_UNIT_SIZE, NULL, WS_LIMIT_POSITIVE),
     .doc = "RED min_th, in queue_limit's unit [5p, or 7500B; red_max/3 if only that is set]"},
    {QTY("red_max", WS_UNIT_SIZE, NULL, WS_LIMIT_POSITIVE),
     .doc = "RED max_th, above red_min [3 x red_min]"},
    {QTY("red_pmax", WS_UNIT_PROBABILITY, "0.1", WS_LIMIT_ABOVE), .min = 0, .max = 1,
     .doc = "RED max_p, the drop probability at max_th"},
    {QTY("codel_target", WS_UNIT_TIME, "5ms", WS_LIMIT_POSITIVE),
     .doc = "CoDel target sojourn time (RFC 8289)"},
    {QTY("codel_interval", WS_UNIT_TIME, "100ms", WS_LIMIT_POSITIVE),
     .doc = "CoDel interval, above codel_target (RFC 8289)"},
    {QTY("queue_limit", WS_UNIT_SIZE, "100p", WS_LIMIT_POSITIVE),
     .doc = "in packets (100p) or bytes (64kB)"},
    {.key = "ecn", .type = WS_VAL_BOOL, .def = "no",
     .doc = "RED and CoDel mark ECN-capable packets instead of dropping (RFC 3168)"},
};

static const ws_key_spec flow_keys[] = {
    {.key = "from", .type = WS_VAL_REF, .flags = WS_KEY_REQUIRED, .ref_kinds = K_ENDPOINTS},
    {.key = "to", .type = WS_VAL_REF, .flags = WS_KEY_REQUIRED, .ref_kinds = K_ENDPOINTS},
    {.key = "transport", .type = WS_VAL_ENUM, .def = "udp", .choices = transport_choices,
     .doc = "transport protocol"},
    {.key = "type", .type = WS_VAL_ENUM, .def = "cbr", .choices = flow_type_choices,
     .doc = "traffic type"},
    {QTY("rate", WS_UNIT_RATE, NULL, WS_LIMIT_POSITIVE),
     .doc = "bit/s or pkt/s (cbr, poisson, onoff peak)"},
    {DIST("packet_size", WS_UNIT_SIZE, "1200B", WS_LIMIT_POSITIVE),
     .flags = WS_KEY_PRIMARY_UNIT, .doc = "application payload, may be random"},
    {DIST("on_time", WS_UNIT_TIME, "exp(1s)", WS_LIMIT_POSITIVE),
     .doc = "onoff: on period, drawn anew per period"},
    {DIST("off_time", WS_UNIT_TIME, "exp(1s)", WS_LIMIT_NONNEG),
     .doc = "onoff: off period, drawn anew per period"},
    {QTY("size", WS_UNIT_SIZE, "unlimited", WS_LIMIT_POSITIVE), .words = "unlimited",
     .flags = WS_KEY_PRIMARY_UNIT, .doc = "bulk: application bytes to send"},
    {DIST("request_size", WS_UNIT_SIZE, NULL, WS_LIMIT_POSITIVE),
     .flags = WS_KEY_PRIMARY_UNIT, .doc = "request-response: bytes per request"},
    {DIST("response_size", WS_UNIT_SIZE, NULL, WS_LIMIT_POSITIVE),
     .flags = WS_KEY_PRIMARY_UNIT, .doc = "request-response: bytes per response"},
    {DIST("think_time", WS_UNIT_TIME, NULL, WS_LIMIT_NONNEG),
     .doc = "request-response: pause after each response [0s]"},
    {.key = "trace", .type = WS_VAL_TEXT,
     .doc = "trace: CSV time_s,bytes, relative to the scenario's folder"},
    {QTY("interval", WS_UNIT_TIME, "1s", WS_LIMIT_POSITIVE), .doc = "ping: time between probes"},
    {.key = "congestion", .type = WS_VAL_ENUM, .def = "cubic", .choices = congestion_choices,
     .doc = "TCP congestion control"},
    {.key = "sack", .type = WS_VAL_BOOL, .def = "yes", .doc = "TCP SACK (RFC 2018)"},
    {.key = "delayed_ack", .type = WS_VAL_BOOL, .def = "yes",
     .doc = "TCP delayed ACKs (RFC 1122, RFC 5681)"},
    {QTY("start", WS_UNIT_TIME, "0s", WS_LIMIT_NONNEG)},
    {QTY("stop", WS_UNIT_TIME, "end", WS_LIMIT_NONNEG), .words = "end"},
};

static const ws_key_spec event_keys[] = {
    {QTY("at", WS_UNIT_TIME, NULL, WS_LIMIT_NONNEG), .flags = WS_KEY_REQUIRED},
    {.key = "action", .type = WS_VAL_ENUM, .flags = WS_KEY_REQUIRED, .choices = action_choices,
     .doc = "what happens"},
    {.key = "target", .type = WS_VAL_REF, .flags = WS_KEY_REQUIRED,
     .ref_kinds = WS_KMASK(WS_KIND_LINK) | K_CELLS},
};

#define KEYS(a) (a), G_N_ELEMENTS(a)

const ws_kind_spec ws_schema_kinds[WS_KIND_N] = {
    [WS_KIND_SIMULATION] = {"simulation", false, false, true, NULL, KEYS(simulation_keys), NULL, 0},
    [WS_KIND_RADIO] = {"radio", false, false, true, NULL, KEYS(radio_keys), NULL, 0},
    [WS_KIND_HANDOVER] = {"handover", false, false, true, NULL, KEYS(handover_keys), NULL, 0},
    [WS_KIND_TRACE] = {"trace", false, false, true, NULL, KEYS(trace_keys), NULL, 0},
    [WS_KIND_CELL] = {"cell", true, false, true, NULL, KEYS(cell_keys), NULL, 0},
    [WS_KIND_LAYOUT] = {"layout", true, false, true, NULL, KEYS(layout_keys),
                        KEYS(cell_keys)},
    [WS_KIND_UE] = {"ue", true, true, true, NULL, KEYS(ue_keys), NULL, 0},
    [WS_KIND_AP] = {"ap", true, false, false, WHY_WIFI, KEYS(ap_keys), NULL, 0},
    [WS_KIND_STATION] = {"station", true, true, false, WHY_WIFI, KEYS(station_keys), NULL, 0},
    [WS_KIND_NODE] = {"node", true, true, false, WHY_MAC, KEYS(node_keys), NULL, 0},
    [WS_KIND_HOST] = {"host", true, true, true, NULL, KEYS(host_keys), NULL, 0},
    [WS_KIND_ROUTER] = {"router", true, true, true, NULL, KEYS(router_keys), NULL, 0},
    [WS_KIND_LINK] = {"link", true, false, true, NULL, KEYS(link_keys), NULL, 0},
    [WS_KIND_FLOW] = {"flow", true, false, true, NULL, KEYS(flow_keys), NULL, 0},
    [WS_KIND_EVENT] = {"event", true, false, true, NULL, KEYS(event_keys), NULL, 0},
};

int ws_schema_kind_id(const char *kind) {
  g_return_val_if_fail(kind != NULL, -1);
  for (int i = 0; i < WS_KIND_N; i++)
    if (strcmp(ws_schema_kinds[i].kind, kind) == 0) return i;
  return -1;
}

const ws_key_spec *ws_schema_key(const ws_kind_spec *kind, const char *key) {
  g_return_val_if_fail(kind != NULL && key != NULL, NULL);
  for (unsigned i = 0; i < kind->n_keys; i++)
    if (strcmp(kind->keys[i].key, key) == 0) return &kind->keys[i];
  for (unsigned i = 0; i < kind->n_more_keys; i++)
    if (!(kind->more_keys[i].flags & WS_KEY_REQUIRED) && strcmp(kind->more_keys[i].key, key) == 0)
      return &kind->more_keys[i];
  return NULL;
}

/* ---- parsing ------------------------------------------------------------- */

void ws_schema_value_clear(ws_value *v) {
  g_free(v->coords);
  memset(v, 0, sizeof *v);
}

bool ws_schema_is_word(const ws_key_spec *k, const char *text) {
  if (!k->words) return false;
  size_t n = strlen(text);
  for (const char *w = k->words; *w;) {
    const char *bar = strchr(w, '|');
    size_t wn = bar ? (size_t)(bar - w) : strlen(w);
    if (wn == n && strncmp(w, text, n) == 0) return true;
    if (!bar) break;
    w = bar + 1;
  }
  return false;
}

char *ws_schema_kinds_phrase(unsigned mask, bool article) {
  /* Wired first: it is what most messages of this version are about. */
  static const ws_kind_id order[WS_KIND_N] = {
      WS_KIND_HOST, WS_KIND_ROUTER, WS_KIND_UE, WS_KIND_STATION, WS_KIND_NODE,
      WS_KIND_AP, WS_KIND_CELL, WS_KIND_LAYOUT, WS_KIND_LINK, WS_KIND_FLOW,
      WS_KIND_EVENT, WS_KIND_SIMULATION, WS_KIND_RADIO, WS_KIND_HANDOVER, WS_KIND_TRACE};
  GString *s = g_string_new(NULL);
  unsigned n = 0, total = 0;
  for (int i = 0; i < WS_KIND_N; i++) total += (mask >> i) & 1u;
  for (int i = 0; i < WS_KIND_N; i++) {
    ws_kind_id k = order[i];
    if (!(mask & WS_KMASK(k))) continue;
    n++;
    if (n == 1 && article) g_string_append(s, k == WS_KIND_AP ? "an " : "a ");
    else if (n > 1) g_string_append(s, n == total ? " or " : ", ");
    g_string_append(s, ws_schema_kinds[k].kind);
  }
  return g_string_free(s, FALSE);
}

/* What a value with the PRIMARY_UNIT flag looks like. */
static const char *primary_expected(ws_unit_kind unit) {
  switch (unit) {
  case WS_UNIT_RATE:
    return "a data rate in bit/s such as 10Mbit/s";
  case WS_UNIT_SIZE:
    return "a size in bytes such as 1500B or 64kB";
  default:
    return ws_units_expected(unit);
  }
}

char *ws_schema_expected(const ws_key_spec *k) {
  char *base;
  switch (k->type) {
  case WS_VAL_QUANTITY:
    base = g_strdup((k->flags & WS_KEY_PRIMARY_UNIT) ? primary_expected(k->unit)
                                                      : ws_units_expected(k->unit));
    break;
  case WS_VAL_DIST:
    /* As for a fixed value (SCENARIO-FORMAT.md's own example message for
     * tx_power): random forms are for those who already know them. */
    base = g_strdup((k->flags & WS_KEY_PRIMARY_UNIT) ? primary_expected(k->unit)
                                                      : ws_units_expected(k->unit));
    break;
  case WS_VAL_BOOL:
    base = g_strdup("yes or no (also on/off, true/false)");
    break;
  case WS_VAL_INT:
    base = g_strdup("a whole number such as 3");
    break;
  case WS_VAL_NUMBER:
    base = g_strdup(ws_units_expected(WS_UNIT_NUMBER));
    break;
  case WS_VAL_ENUM: {
    GString *s = g_string_new("one of ");
    for (const ws_choice *c = k->choices; c->name; c++)
      g_string_append_printf(s, "%s%s", c == k->choices ? "" : ", ", c->name);
    base = g_string_free(s, FALSE);
    break;
  }
  case WS_VAL_REF: {
    char *kinds = ws_schema_kinds_phrase(k->ref_kinds, true);
    base = g_strdup_printf("the name of %s", kinds);
    g_free(kinds);
    break;
  }
  case WS_VAL_REF_PAIR: {
    char *kinds = ws_schema_kinds_phrase(k->ref_kinds, true);
    base = g_strdup_printf("two names of %s separated by a comma, such as a, b", kinds);
    g_free(kinds);
    break;
  }
  case WS_VAL_REF_LIST: {
    char *kinds = ws_schema_kinds_phrase(k->ref_kinds, true);
    base = g_strdup_printf("names of %s separated by commas", kinds);
    g_free(kinds);
    break;
  }
  case WS_VAL_POINT:
    base = g_strdup("a position x, y in metres such as 100, -50");
    break;
  case WS_VAL_AREA:
    base = g_strdup("an area XMIN, YMIN, XMAX, YMAX in metres with XMIN < XMAX and YMIN < YMAX");
    break;
  case WS_VAL_POINTS:
    base = g_strdup("points x, y in metres separated by ';' such as 0,0; 100,0");
    break;
  case WS_VAL_WAYPOINTS:
    base = g_strdup("waypoints x,y@TIME in increasing time order separated by ';' such as 0,0@0s; 1000,0@100s");
    break;
  case WS_VAL_NAME:
    base = g_strdup("a name of letters, digits, '-', '_' and '.'");
    break;
  case WS_VAL_TEXT:
  default:
    base = g_strdup("a file name or text");
    break;
  }
  if (!k->words) return base;
  GString *s = g_string_new(base);
  g_free(base);
  for (const char *w = k->words; *w;) {
    const char *bar = strchr(w, '|');
    size_t wn = bar ? (size_t)(bar - w) : strlen(w);
    g_string_append(s, ", or ");
    g_string_append_len(s, w, (gssize)wn);
    if (!bar) break;
    w = bar + 1;
  }
  return g_string_free(s, FALSE);
}

/* Trimmed copy of [p, p + n). */
static char *trimmed(const char *p, size_t n) {
  char *s = g_strndup(p, n);
  return g_strstrip(s);
}

static bool parse_int(const char *text, int64_t *out) {
  const char *p = text;
  if (*p == '+' || *p == '-') p++;
  if (!g_ascii_isdigit(*p)) return false;
  for (const char *q = p; *q; q++)
    if (!g_ascii_isdigit(*q)) return false;
  errno = 0;
  char *end = NULL;
  long long v = strtoll(text, &end, 10);
  if (errno != 0 || *end != '\0') return false;
  *out = (int64_t)v;
  return true;
}

/* A coordinate: a bare number in metres, or a distance (m, km) with an
 * optional minus sign (units.c takes distances as magnitudes). */
static bool parse_coord(const char *text, double *out) {
  ws_quantity q;
  char *t = g_strstrip(g_strdup(text));
  bool ok = *t && ws_units_parse(t, WS_UNIT_NUMBER, &q);
  if (!ok) {
    bool negative = t[0] == '-';
    const char *magnitude = negative ? t + 1 : t;
    ok = *magnitude && ws_units_parse(magnitude, WS_UNIT_DISTANCE, &q);
    if (ok && negative) q.value = -q.value;
  }
  g_free(t);
  if (!ok || !isfinite(q.value)) return false;
  *out = q.value;
  return true;
}

/* n comma-separated coordinates; appends them to coords. */
static bool parse_coords(const char *text, unsigned n, GArray *coords) {
  char **parts = g_strsplit(text, ",", -1);
  bool ok = g_strv_length(parts) == n;
  for (unsigned i = 0; ok && i < n; i++) {
    double x;
    ok = parse_coord(parts[i], &x);
    if (ok) g_array_append_val(coords, x);
  }
  g_strfreev(parts);
  return ok;
}

/* A name as it may appear in a reference: NAME, NAME/i or NAME/S.s. */
static bool ref_syntax_ok(const char *s) {
  if (!*s) return false;
  for (const char *p = s; *p; p++)
    if (!(g_ascii_isalnum(*p) || *p == '-' || *p == '_' || *p == '/' || *p == '.')) return false;
  return true;
}

static bool quantity_finite(const ws_quantity *q) { return isfinite(q->value); }

static bool parse_typed(const ws_key_spec *k, const char *text, ws_value *out) {
  switch (k->type) {
  case WS_VAL_QUANTITY:
    if (!ws_units_parse(text, k->unit, &out->q) || !quantity_finite(&out->q)) return false;
    return !(k->flags & WS_KEY_PRIMARY_UNIT) || out->q.kind == k->unit;
  case WS_VAL_DIST:
    if (!ws_units_parse_dist(text, k->unit, &out->d)) return false;
    if (!quantity_finite(&out->d.a) || !isfinite(out->d.shape)) return false;
    if (out->d.kind == WS_DIST_UNIFORM && !quantity_finite(&out->d.b)) return false;
    if (k->flags & WS_KEY_PRIMARY_UNIT) {
      if (out->d.a.kind != k->unit) return false;
      if (out->d.kind == WS_DIST_UNIFORM && out->d.b.kind != k->unit) return false;
    }
    return true;
  case WS_VAL_BOOL: {
    static const char *const yes[] = {"yes", "on", "true"};
    static const char *const no[] = {"no", "off", "false"};
    for (unsigned i = 0; i < 3; i++) {
      if (g_ascii_strcasecmp(text, yes[i]) == 0) return out->b = true;
      if (g_ascii_strcasecmp(text, no[i]) == 0) return !(out->b = false);
    }
    return false;
  }
  case WS_VAL_INT:
    return parse_int(text, &out->i);
  case WS_VAL_NUMBER: {
    ws_quantity q;
    if (!ws_units_parse(text, WS_UNIT_NUMBER, &q) || !isfinite(q.value)) return false;
    out->x = q.value;
    out->q = q;
    return true;
  }
  case WS_VAL_ENUM:
    for (const ws_choice *c = k->choices; c->name; c++)
      if (strcmp(c->name, text) == 0) return true;
    return false;
  case WS_VAL_REF:
    return ref_syntax_ok(text);
  case WS_VAL_REF_PAIR:
  case WS_VAL_REF_LIST: {
    char **parts = g_strsplit(text, ",", -1);
    unsigned n = g_strv_length(parts);
    bool ok = k->type == WS_VAL_REF_PAIR ? n == 2 : n >= 1;
    for (unsigned i = 0; ok && i < n; i++) ok = ref_syntax_ok(g_strstrip(parts[i]));
    g_strfreev(parts);
    return ok;
  }
  case WS_VAL_POINT:
  case WS_VAL_AREA:
  case WS_VAL_POINTS:
  case WS_VAL_WAYPOINTS: {
    GArray *coords = g_array_new(FALSE, FALSE, sizeof(double));
    bool ok = true;
    if (k->type == WS_VAL_POINT) {
      ok = parse_coords(text, 2, coords);
    } else if (k->type == WS_VAL_AREA) {
      ok = parse_coords(text, 4, coords);
      if (ok) {
        const double *a = (const double *)(void *)coords->data;
        ok = a[0] < a[2] && a[1] < a[3];
      }
    } else {
      char **points = g_strsplit(text, ";", -1);
      double last_t = 0;
      for (unsigned i = 0; ok && points[i]; i++) {
        if (k->type == WS_VAL_POINTS) {
          ok = parse_coords(points[i], 2, coords);
          continue;
        }
        const char *at = strchr(points[i], '@');
        ok = at != NULL;
        if (!ok) break;
        char *xy = trimmed(points[i], (size_t)(at - points[i]));
        char *t = trimmed(at + 1, strlen(at + 1));
        ws_quantity q;
        ok = parse_coords(xy, 2, coords) && ws_units_parse(t, WS_UNIT_TIME, &q) &&
             q.exact >= 0 && (i == 0 || q.value > last_t); /* strictly: a leg takes time */
        if (ok) {
          last_t = q.value;
          g_array_append_val(coords, q.value);
        }
        g_free(xy);
        g_free(t);
      }
      g_strfreev(points);
    }
    if (ok) {
      out->n_coords = coords->len;
      out->coords = (double *)(void *)g_array_free(coords, FALSE);
    } else {
      g_array_free(coords, TRUE);
    }
    return ok;
  }
  case WS_VAL_NAME:
    if (!*text) return false;
    for (const char *p = text; *p; p++)
      if (!(g_ascii_isalnum(*p) || *p == '-' || *p == '_' || *p == '.')) return false;
    return strcmp(text, ".") != 0 && strcmp(text, "..") != 0;
  case WS_VAL_TEXT:
  default:
    return *text != '\0';
  }
}

bool ws_schema_parse(const ws_key_spec *k, const char *text, ws_value *out, char **expected) {
  g_return_val_if_fail(k != NULL && text != NULL && out != NULL, false);
  memset(out, 0, sizeof *out);
  if (expected) *expected = NULL;
  if (ws_schema_is_word(k, text)) {
    out->word = true;
    return true;
  }
  if (parse_typed(k, text, out)) return true;
  ws_schema_value_clear(out);
  if (expected) *expected = ws_schema_expected(k);
  return false;
}

/* Checks one SI value against k's limit; NULL or what is wrong. */
static char *check_one(const ws_key_spec *k, double v) {
  switch (k->limit) {
  case WS_LIMIT_POSITIVE:
    return v > 0 ? NULL : g_strdup("must be more than 0");
  case WS_LIMIT_NONNEG:
    return v >= 0 ? NULL : g_strdup("must not be negative");
  case WS_LIMIT_RANGE:
    return v >= k->min && v <= k->max ? NULL
                                      : g_strdup_printf("must be between %.15g and %.15g", k->min, k->max);
  case WS_LIMIT_ABOVE:
    return v > k->min && v <= k->max
               ? NULL
               : g_strdup_printf("must be more than %.15g and at most %.15g", k->min, k->max);
  case WS_LIMIT_NONE:
  default:
    return NULL;
  }
}

char *ws_schema_check_limit(const ws_key_spec *k, const ws_value *v) {
  g_return_val_if_fail(k != NULL && v != NULL, NULL);
  if (v->word) return NULL;
  switch (k->type) {
  case WS_VAL_QUANTITY:
    return check_one(k, v->q.value);
  case WS_VAL_NUMBER:
    return check_one(k, v->x);
  case WS_VAL_INT:
    return check_one(k, (double)v->i);
  case WS_VAL_DIST: {
    /* A random value must keep its draws in range: both bounds of A..B; a
     * mean of exp()/pareto() above 0 (their draws are then positive). */
    if (v->d.kind == WS_DIST_EXP || v->d.kind == WS_DIST_PARETO)
      return v->d.a.value > 0 ? NULL : g_strdup("must have a mean more than 0");
    char *why = check_one(k, v->d.a.value);
    if (!why && v->d.kind == WS_DIST_UNIFORM) why = check_one(k, v->d.b.value);
    return why;
  }
  default:
    return NULL;
  }
}
