/**
 * The subset of Mesos' v1 protobuf schema this project speaks, as proto2 text.
 *
 * Written from `include/mesos/v1/mesos.proto`, `scheduler/scheduler.proto` and
 * `master/master.proto` of apache/mesos (1.12 development head). Field names, numbers, labels,
 * `[default = ...]` and `[deprecated = true]` options follow upstream exactly, and fields keep their
 * upstream *declaration order*, because Mesos' JSON writer emits fields in that order.
 *
 * Deliberately left out (decoders skip them like any unknown field, so they are lost on a
 * round trip): ContainerInfo (TaskInfo.container, ExecutorInfo.container, Task.container),
 * CgroupInfo (ContainerStatus.cgroup_info), Resource.DiskInfo.volume, Offer.Operation's
 * GROW_VOLUME/SHRINK_VOLUME/CREATE_DISK/DESTROY_DISK payloads, URL.query, the operator API's
 * maintenance/quota/weights/roles/operations messages, agent resource providers and the operator
 * SUBSCRIBE event stream. Enums are always complete.
 */

const MESOS_V1 = `
syntax = "proto2";
package mesos.v1;

message FrameworkID { required string value = 1; }
message OfferID { required string value = 1; }
message AgentID { required string value = 1; }
message TaskID { required string value = 1; }
message ExecutorID { required string value = 1; }
message ContainerID {
  required string value = 1;
  optional ContainerID parent = 2;
}
message ResourceProviderID { required string value = 1; }
message OperationID { required string value = 1; }
message TimeInfo { required int64 nanoseconds = 1; }
message DurationInfo { required int64 nanoseconds = 1; }

message Address {
  optional string hostname = 1;
  optional string ip = 2;
  required int32 port = 3;
}

message URL {
  required string scheme = 1;
  required Address address = 2;
  optional string path = 3;
  optional string fragment = 5;
}

message Unavailability {
  required TimeInfo start = 1;
  optional DurationInfo duration = 2;
}

message FrameworkInfo {
  required string user = 1;
  required string name = 2;
  optional FrameworkID id = 3;
  optional double failover_timeout = 4 [default = 0.0];
  optional bool checkpoint = 5 [default = false];
  optional string role = 6 [default = "*", deprecated = true];
  repeated string roles = 12;
  optional string hostname = 7;
  optional string principal = 8;
  optional string webui_url = 9;

  message Capability {
    enum Type {
      UNKNOWN = 0;
      REVOCABLE_RESOURCES = 1;
      TASK_KILLING_STATE = 2;
      GPU_RESOURCES = 3;
      SHARED_RESOURCES = 4;
      PARTITION_AWARE = 5;
      MULTI_ROLE = 6;
      RESERVATION_REFINEMENT = 7;
      REGION_AWARE = 8;
    }
    optional Type type = 1;
  }
  repeated Capability capabilities = 10;
  optional Labels labels = 11;
  map<string, OfferFilters> offer_filters = 13;
}

message CheckInfo {
  enum Type {
    UNKNOWN = 0;
    COMMAND = 1;
    HTTP = 2;
    TCP = 3;
  }
  message Command { required CommandInfo command = 1; }
  message Http {
    required uint32 port = 1;
    optional string path = 2;
  }
  message Tcp { required uint32 port = 1; }

  optional Type type = 1;
  optional Command command = 2;
  optional Http http = 3;
  optional Tcp tcp = 7;
  optional double delay_seconds = 4 [default = 15.0];
  optional double interval_seconds = 5 [default = 10.0];
  optional double timeout_seconds = 6 [default = 20.0];
}

message HealthCheck {
  enum Type {
    UNKNOWN = 0;
    COMMAND = 1;
    HTTP = 2;
    TCP = 3;
  }
  message HTTPCheckInfo {
    optional NetworkInfo.Protocol protocol = 5 [default = IPv4];
    optional string scheme = 3;
    required uint32 port = 1;
    optional string path = 2;
    repeated uint32 statuses = 4;
  }
  message TCPCheckInfo {
    optional NetworkInfo.Protocol protocol = 2 [default = IPv4];
    required uint32 port = 1;
  }

  optional double delay_seconds = 2 [default = 15.0];
  optional double interval_seconds = 3 [default = 10.0];
  optional double timeout_seconds = 4 [default = 20.0];
  optional uint32 consecutive_failures = 5 [default = 3];
  optional double grace_period_seconds = 6 [default = 10.0];
  optional Type type = 8;
  optional CommandInfo command = 7;
  optional HTTPCheckInfo http = 1;
  optional TCPCheckInfo tcp = 9;
}

message KillPolicy {
  optional DurationInfo grace_period = 1;
}

message CommandInfo {
  message URI {
    required string value = 1;
    optional bool executable = 2;
    optional bool extract = 3 [default = true];
    optional bool cache = 4;
    optional string output_file = 5;
  }
  repeated URI uris = 1;
  optional Environment environment = 2;
  optional bool shell = 6 [default = true];
  optional string value = 3;
  repeated string arguments = 7;
  optional string user = 5;
}

message ExecutorInfo {
  enum Type {
    UNKNOWN = 0;
    DEFAULT = 1;
    CUSTOM = 2;
  }
  optional Type type = 15;
  required ExecutorID executor_id = 1;
  optional FrameworkID framework_id = 8;
  optional CommandInfo command = 7;
  repeated Resource resources = 5;
  optional string name = 9;
  optional string source = 10 [deprecated = true];
  optional bytes data = 4;
  optional DiscoveryInfo discovery = 12;
  optional DurationInfo shutdown_grace_period = 13;
  optional Labels labels = 14;
}

message DomainInfo {
  message FaultDomain {
    message RegionInfo { required string name = 1; }
    message ZoneInfo { required string name = 1; }
    required RegionInfo region = 1;
    required ZoneInfo zone = 2;
  }
  optional FaultDomain fault_domain = 1;
}

message MasterInfo {
  required string id = 1;
  required uint32 ip = 2;
  required uint32 port = 3 [default = 5050];
  optional string pid = 4;
  optional string hostname = 5;
  optional string version = 6;
  optional Address address = 7;
  optional DomainInfo domain = 8;

  message Capability {
    enum Type {
      UNKNOWN = 0;
      AGENT_UPDATE = 1;
      AGENT_DRAINING = 2;
      QUOTA_V2 = 3;
    }
    optional Type type = 1;
  }
  repeated Capability capabilities = 9;
}

message AgentInfo {
  required string hostname = 1;
  optional int32 port = 8 [default = 5051];
  repeated Resource resources = 3;
  repeated Attribute attributes = 5;
  optional AgentID id = 6;
  optional DomainInfo domain = 10;

  message Capability {
    enum Type {
      UNKNOWN = 0;
      MULTI_ROLE = 1;
      HIERARCHICAL_ROLE = 2;
      RESERVATION_REFINEMENT = 3;
      RESOURCE_PROVIDER = 4;
      RESIZE_VOLUME = 5;
      AGENT_OPERATION_FEEDBACK = 6;
      AGENT_DRAINING = 7;
      TASK_RESOURCE_LIMITS = 8;
    }
    optional Type type = 1;
  }
}

message Value {
  enum Type {
    SCALAR = 0;
    RANGES = 1;
    SET = 2;
    TEXT = 3;
  }
  message Scalar { required double value = 1; }
  message Range {
    required uint64 begin = 1;
    required uint64 end = 2;
  }
  message Ranges { repeated Range range = 1; }
  message Set { repeated string item = 1; }
  message Text { required string value = 1; }

  required Type type = 1;
  optional Scalar scalar = 2;
  optional Ranges ranges = 3;
  optional Set set = 4;
  optional Text text = 5;
}

message Attribute {
  required string name = 1;
  required Value.Type type = 2;
  optional Value.Scalar scalar = 3;
  optional Value.Ranges ranges = 4;
  optional Value.Set set = 6;
  optional Value.Text text = 5;
}

message Resource {
  optional ResourceProviderID provider_id = 12;
  required string name = 1;
  required Value.Type type = 2;
  optional Value.Scalar scalar = 3;
  optional Value.Ranges ranges = 4;
  optional Value.Set set = 5;
  optional string role = 6 [default = "*", deprecated = true];

  message AllocationInfo { optional string role = 1; }
  optional AllocationInfo allocation_info = 11;

  message ReservationInfo {
    enum Type {
      UNKNOWN = 0;
      STATIC = 1;
      DYNAMIC = 2;
    }
    optional Type type = 4;
    optional string role = 3;
    optional string principal = 1;
    optional Labels labels = 2;
  }
  optional ReservationInfo reservation = 8;
  repeated ReservationInfo reservations = 13;

  message DiskInfo {
    message Persistence {
      required string id = 1;
      optional string principal = 2;
    }
    optional Persistence persistence = 1;

    message Source {
      enum Type {
        UNKNOWN = 0;
        PATH = 1;
        MOUNT = 2;
        BLOCK = 3;
        RAW = 4;
      }
      message Path { optional string root = 1; }
      message Mount { optional string root = 1; }
      required Type type = 1;
      optional Path path = 2;
      optional Mount mount = 3;
      optional string vendor = 7;
      optional string id = 4;
      optional Labels metadata = 5;
      optional string profile = 6;
    }
    optional Source source = 3;
  }
  optional DiskInfo disk = 7;

  message RevocableInfo {}
  optional RevocableInfo revocable = 9;

  message SharedInfo {}
  optional SharedInfo shared = 10;
}

message OfferFilters {
  message ResourceQuantities {
    map<string, Value.Scalar> quantities = 1;
  }
  message MinAllocatableResources {
    repeated ResourceQuantities quantities = 1;
  }
  optional MinAllocatableResources min_allocatable_resources = 1;
}

message Request {
  optional AgentID agent_id = 1;
  repeated Resource resources = 2;
}

message Offer {
  required OfferID id = 1;
  required FrameworkID framework_id = 2;
  required AgentID agent_id = 3;
  required string hostname = 4;
  optional URL url = 8;
  optional DomainInfo domain = 11;
  repeated Resource resources = 5;
  repeated Attribute attributes = 7;
  repeated ExecutorID executor_ids = 6;
  optional Unavailability unavailability = 9;
  optional Resource.AllocationInfo allocation_info = 10;

  message Operation {
    enum Type {
      UNKNOWN = 0;
      LAUNCH = 1;
      LAUNCH_GROUP = 6;
      RESERVE = 2;
      UNRESERVE = 3;
      CREATE = 4;
      DESTROY = 5;
      GROW_VOLUME = 11;
      SHRINK_VOLUME = 12;
      CREATE_DISK = 13;
      DESTROY_DISK = 14;
    }
    message Launch { repeated TaskInfo task_infos = 1; }
    message LaunchGroup {
      required ExecutorInfo executor = 1;
      required TaskGroupInfo task_group = 2;
    }
    message Reserve {
      repeated Resource source = 2;
      repeated Resource resources = 1;
    }
    message Unreserve { repeated Resource resources = 1; }
    message Create { repeated Resource volumes = 1; }
    message Destroy { repeated Resource volumes = 1; }

    optional Type type = 1;
    optional OperationID id = 12;
    optional Launch launch = 2;
    optional LaunchGroup launch_group = 7;
    optional Reserve reserve = 3;
    optional Unreserve unreserve = 4;
    optional Create create = 5;
    optional Destroy destroy = 6;
  }
}

message InverseOffer {
  required OfferID id = 1;
  optional URL url = 2;
  required FrameworkID framework_id = 3;
  optional AgentID agent_id = 4;
  required Unavailability unavailability = 5;
  repeated Resource resources = 6;
}

message TaskInfo {
  required string name = 1;
  required TaskID task_id = 2;
  required AgentID agent_id = 3;
  repeated Resource resources = 4;
  optional ExecutorInfo executor = 5;
  optional CommandInfo command = 7;
  optional HealthCheck health_check = 8;
  optional CheckInfo check = 13;
  optional KillPolicy kill_policy = 12;
  optional bytes data = 6;
  optional Labels labels = 10;
  optional DiscoveryInfo discovery = 11;
  optional DurationInfo max_completion_time = 14;
  map<string, Value.Scalar> limits = 15;
}

message TaskGroupInfo {
  repeated TaskInfo tasks = 1;
}

message Task {
  required string name = 1;
  required TaskID task_id = 2;
  required FrameworkID framework_id = 3;
  optional ExecutorID executor_id = 4;
  required AgentID agent_id = 5;
  required TaskState state = 6;
  repeated Resource resources = 7;
  repeated TaskStatus statuses = 8;
  optional TaskState status_update_state = 9;
  optional bytes status_update_uuid = 10;
  optional Labels labels = 11;
  optional DiscoveryInfo discovery = 12;
  optional HealthCheck health_check = 15;
  optional KillPolicy kill_policy = 16;
  optional string user = 14;
  map<string, Value.Scalar> limits = 17;
}

enum TaskState {
  TASK_STAGING = 6;
  TASK_STARTING = 0;
  TASK_RUNNING = 1;
  TASK_KILLING = 8;
  TASK_FINISHED = 2;
  TASK_FAILED = 3;
  TASK_KILLED = 4;
  TASK_ERROR = 7;
  TASK_LOST = 5;
  TASK_DROPPED = 9;
  TASK_UNREACHABLE = 10;
  TASK_GONE = 11;
  TASK_GONE_BY_OPERATOR = 12;
  TASK_UNKNOWN = 13;
}

message TaskResourceLimitation {
  repeated Resource resources = 1;
}

message UUID {
  required bytes value = 1;
}

enum OperationState {
  OPERATION_UNSUPPORTED = 0;
  OPERATION_PENDING = 1;
  OPERATION_FINISHED = 2;
  OPERATION_FAILED = 3;
  OPERATION_ERROR = 4;
  OPERATION_DROPPED = 5;
  OPERATION_UNREACHABLE = 6;
  OPERATION_GONE_BY_OPERATOR = 7;
  OPERATION_RECOVERING = 8;
  OPERATION_UNKNOWN = 9;
}

message OperationStatus {
  optional OperationID operation_id = 1;
  required OperationState state = 2;
  optional string message = 3;
  repeated Resource converted_resources = 4;
  optional UUID uuid = 5;
  optional AgentID agent_id = 6;
  optional ResourceProviderID resource_provider_id = 7;
}

message CheckStatusInfo {
  message Command { optional int32 exit_code = 1; }
  message Http { optional uint32 status_code = 1; }
  message Tcp { optional bool succeeded = 1; }
  optional CheckInfo.Type type = 1;
  optional Command command = 2;
  optional Http http = 3;
  optional Tcp tcp = 4;
}

message TaskStatus {
  enum Source {
    SOURCE_MASTER = 0;
    SOURCE_AGENT = 1;
    SOURCE_EXECUTOR = 2;
  }
  enum Reason {
    REASON_COMMAND_EXECUTOR_FAILED = 0;
    REASON_CONTAINER_LAUNCH_FAILED = 21;
    REASON_CONTAINER_LIMITATION = 19;
    REASON_CONTAINER_LIMITATION_DISK = 20;
    REASON_CONTAINER_LIMITATION_MEMORY = 8;
    REASON_CONTAINER_PREEMPTED = 17;
    REASON_CONTAINER_UPDATE_FAILED = 22;
    REASON_MAX_COMPLETION_TIME_REACHED = 33;
    REASON_EXECUTOR_REGISTRATION_TIMEOUT = 23;
    REASON_EXECUTOR_REREGISTRATION_TIMEOUT = 24;
    REASON_EXECUTOR_TERMINATED = 1;
    REASON_EXECUTOR_UNREGISTERED = 2;
    REASON_FRAMEWORK_REMOVED = 3;
    REASON_GC_ERROR = 4;
    REASON_INVALID_FRAMEWORKID = 5;
    REASON_INVALID_OFFERS = 6;
    REASON_IO_SWITCHBOARD_EXITED = 27;
    REASON_MASTER_DISCONNECTED = 7;
    REASON_RECONCILIATION = 9;
    REASON_RESOURCES_UNKNOWN = 18;
    REASON_AGENT_DISCONNECTED = 10;
    REASON_AGENT_DRAINING = 34;
    REASON_AGENT_REMOVED = 11;
    REASON_AGENT_REMOVED_BY_OPERATOR = 31;
    REASON_AGENT_REREGISTERED = 32;
    REASON_AGENT_RESTARTED = 12;
    REASON_AGENT_UNKNOWN = 13;
    REASON_TASK_KILLED_DURING_LAUNCH = 30;
    REASON_TASK_CHECK_STATUS_UPDATED = 28;
    REASON_TASK_HEALTH_CHECK_STATUS_UPDATED = 29;
    REASON_TASK_GROUP_INVALID = 25;
    REASON_TASK_GROUP_UNAUTHORIZED = 26;
    REASON_TASK_INVALID = 14;
    REASON_TASK_UNAUTHORIZED = 15;
    REASON_TASK_UNKNOWN = 16;
  }

  required TaskID task_id = 1;
  required TaskState state = 2;
  optional string message = 4;
  optional Source source = 9;
  optional Reason reason = 10;
  optional bytes data = 3;
  optional AgentID agent_id = 5;
  optional ExecutorID executor_id = 7;
  optional double timestamp = 6;
  optional bytes uuid = 11;
  optional bool healthy = 8;
  optional CheckStatusInfo check_status = 15;
  optional Labels labels = 12;
  optional ContainerStatus container_status = 13;
  optional TimeInfo unreachable_time = 14;
  optional TaskResourceLimitation limitation = 16;
}

message Filters {
  optional double refuse_seconds = 1 [default = 5.0];
}

message Environment {
  message Variable {
    required string name = 1;
    enum Type {
      UNKNOWN = 0;
      VALUE = 1;
      SECRET = 2;
    }
    optional Type type = 3 [default = VALUE];
    optional string value = 2;
    optional Secret secret = 4;
  }
  repeated Variable variables = 1;
}

message Parameter {
  required string key = 1;
  required string value = 2;
}

message Secret {
  enum Type {
    UNKNOWN = 0;
    REFERENCE = 1;
    VALUE = 2;
  }
  message Reference {
    required string name = 1;
    optional string key = 2;
  }
  message Value { required bytes data = 1; }
  optional Type type = 1;
  optional Reference reference = 2;
  optional Value value = 3;
}

message NetworkInfo {
  enum Protocol {
    IPv4 = 1;
    IPv6 = 2;
  }
  message IPAddress {
    optional Protocol protocol = 1 [default = IPv4];
    optional string ip_address = 2;
  }
  repeated IPAddress ip_addresses = 5;
  optional string name = 6;
  repeated string groups = 3;
  optional Labels labels = 4;

  message PortMapping {
    required uint32 host_port = 1;
    required uint32 container_port = 2;
    optional string protocol = 3;
  }
  repeated PortMapping port_mappings = 7;
}

message ContainerStatus {
  optional ContainerID container_id = 4;
  repeated NetworkInfo network_infos = 1;
  optional uint32 executor_pid = 3;
}

message Labels {
  repeated Label labels = 1;
}

message Label {
  required string key = 1;
  optional string value = 2;
}

message Port {
  required uint32 number = 1;
  optional string name = 2;
  optional string protocol = 3;
  optional DiscoveryInfo.Visibility visibility = 4;
  optional Labels labels = 5;
}

message Ports {
  repeated Port ports = 1;
}

message DiscoveryInfo {
  enum Visibility {
    FRAMEWORK = 0;
    CLUSTER = 1;
    EXTERNAL = 2;
  }
  required Visibility visibility = 1;
  optional string name = 2;
  optional string environment = 3;
  optional string location = 4;
  optional string version = 5;
  optional Ports ports = 6;
  optional Labels labels = 7;
}

message VersionInfo {
  required string version = 1;
  optional string build_date = 2;
  optional double build_time = 3;
  optional string build_user = 4;
  optional string git_sha = 5;
  optional string git_branch = 6;
  optional string git_tag = 7;
}

message Flag {
  required string name = 1;
  optional string value = 2;
}

message Metric {
  required string name = 1;
  optional double value = 2;
}

message FileInfo {
  required string path = 1;
  optional int32 nlink = 2;
  optional uint64 size = 3;
  optional TimeInfo mtime = 4;
  optional uint32 mode = 5;
  optional string uid = 6;
  optional string gid = 7;
}

enum DrainState {
  UNKNOWN = 0;
  DRAINING = 1;
  DRAINED = 2;
}

message DrainConfig {
  optional DurationInfo max_grace_period = 1;
  optional bool mark_gone = 2 [default = false];
}

message DrainInfo {
  required DrainState state = 1;
  required DrainConfig config = 2;
}
`;

const MESOS_V1_SCHEDULER = `
syntax = "proto2";
package mesos.v1.scheduler;

message Event {
  enum Type {
    UNKNOWN = 0;
    SUBSCRIBED = 1;
    OFFERS = 2;
    INVERSE_OFFERS = 9;
    RESCIND = 3;
    RESCIND_INVERSE_OFFER = 10;
    UPDATE = 4;
    UPDATE_OPERATION_STATUS = 11;
    MESSAGE = 5;
    FAILURE = 6;
    ERROR = 7;
    HEARTBEAT = 8;
  }
  message Subscribed {
    required FrameworkID framework_id = 1;
    optional double heartbeat_interval_seconds = 2;
    optional MasterInfo master_info = 3;
  }
  message Offers { repeated Offer offers = 1; }
  message InverseOffers { repeated InverseOffer inverse_offers = 1; }
  message Rescind { required OfferID offer_id = 1; }
  message RescindInverseOffer { required OfferID inverse_offer_id = 1; }
  message Update { required TaskStatus status = 1; }
  message UpdateOperationStatus { required OperationStatus status = 1; }
  message Message {
    required AgentID agent_id = 1;
    required ExecutorID executor_id = 2;
    required bytes data = 3;
  }
  message Failure {
    optional AgentID agent_id = 1;
    optional ExecutorID executor_id = 2;
    optional int32 status = 3;
  }
  message Error { required string message = 1; }

  optional Type type = 1;
  optional Subscribed subscribed = 2;
  optional Offers offers = 3;
  optional InverseOffers inverse_offers = 9;
  optional Rescind rescind = 4;
  optional RescindInverseOffer rescind_inverse_offer = 10;
  optional Update update = 5;
  optional UpdateOperationStatus update_operation_status = 11;
  optional Message message = 6;
  optional Failure failure = 7;
  optional Error error = 8;
}

message AttributeConstraint {
  message Selector {
    enum PseudoattributeType {
      UNKNOWN = 0;
      HOSTNAME = 1;
      REGION = 2;
      ZONE = 3;
    }
    oneof selector {
      PseudoattributeType pseudoattribute_type = 1;
      string attribute_name = 2;
    }
  }
  message Predicate {
    message Exists {}
    message NotExists {}
    message TextEquals { required string value = 1; }
    message TextNotEquals { required string value = 1; }
    message TextMatches { required string regex = 1; }
    message TextNotMatches { required string regex = 1; }
    oneof predicate {
      Exists exists = 1;
      NotExists not_exists = 2;
      TextEquals text_equals = 3;
      TextNotEquals text_not_equals = 4;
      TextMatches text_matches = 5;
      TextNotMatches text_not_matches = 6;
    }
  }
  required Selector selector = 1;
  required Predicate predicate = 2;
}

message OfferConstraints {
  message RoleConstraints {
    message Group { repeated AttributeConstraint attribute_constraints = 1; }
    repeated Group groups = 1;
  }
  map<string, RoleConstraints> role_constraints = 1;
}

message Call {
  enum Type {
    UNKNOWN = 0;
    SUBSCRIBE = 1;
    TEARDOWN = 2;
    ACCEPT = 3;
    DECLINE = 4;
    ACCEPT_INVERSE_OFFERS = 13;
    DECLINE_INVERSE_OFFERS = 14;
    REVIVE = 5;
    KILL = 6;
    SHUTDOWN = 7;
    ACKNOWLEDGE = 8;
    ACKNOWLEDGE_OPERATION_STATUS = 15;
    RECONCILE = 9;
    RECONCILE_OPERATIONS = 16;
    MESSAGE = 10;
    REQUEST = 11;
    SUPPRESS = 12;
    UPDATE_FRAMEWORK = 17;
  }
  message Subscribe {
    required FrameworkInfo framework_info = 1;
    repeated string suppressed_roles = 2;
    optional OfferConstraints offer_constraints = 3;
  }
  message Accept {
    repeated OfferID offer_ids = 1;
    repeated Offer.Operation operations = 2;
    optional Filters filters = 3;
  }
  message Decline {
    repeated OfferID offer_ids = 1;
    optional Filters filters = 2;
  }
  message AcceptInverseOffers {
    repeated OfferID inverse_offer_ids = 1;
    optional Filters filters = 2;
  }
  message DeclineInverseOffers {
    repeated OfferID inverse_offer_ids = 1;
    optional Filters filters = 2;
  }
  message Revive { repeated string roles = 1; }
  message Kill {
    required TaskID task_id = 1;
    optional AgentID agent_id = 2;
    optional KillPolicy kill_policy = 3;
  }
  message Shutdown {
    required ExecutorID executor_id = 1;
    required AgentID agent_id = 2;
  }
  message Acknowledge {
    required AgentID agent_id = 1;
    required TaskID task_id = 2;
    required bytes uuid = 3;
  }
  message AcknowledgeOperationStatus {
    optional AgentID agent_id = 1;
    optional ResourceProviderID resource_provider_id = 2;
    required bytes uuid = 3;
    required OperationID operation_id = 4;
  }
  message Reconcile {
    message Task {
      required TaskID task_id = 1;
      optional AgentID agent_id = 2;
    }
    repeated Task tasks = 1;
  }
  message ReconcileOperations {
    message Operation {
      required OperationID operation_id = 1;
      optional AgentID agent_id = 2;
      optional ResourceProviderID resource_provider_id = 3;
    }
    repeated Operation operations = 1;
  }
  message Message {
    required AgentID agent_id = 1;
    required ExecutorID executor_id = 2;
    required bytes data = 3;
  }
  message Request { repeated mesos.v1.Request requests = 1; }
  message Suppress { repeated string roles = 1; }
  message UpdateFramework {
    required FrameworkInfo framework_info = 1;
    repeated string suppressed_roles = 2;
    optional OfferConstraints offer_constraints = 3;
  }

  optional FrameworkID framework_id = 1;
  optional Type type = 2;
  optional Subscribe subscribe = 3;
  optional Accept accept = 4;
  optional Decline decline = 5;
  optional AcceptInverseOffers accept_inverse_offers = 13;
  optional DeclineInverseOffers decline_inverse_offers = 14;
  optional Revive revive = 15;
  optional Kill kill = 6;
  optional Shutdown shutdown = 7;
  optional Acknowledge acknowledge = 8;
  optional AcknowledgeOperationStatus acknowledge_operation_status = 17;
  optional Reconcile reconcile = 9;
  optional ReconcileOperations reconcile_operations = 18;
  optional Message message = 10;
  optional Request request = 11;
  optional Suppress suppress = 16;
  optional UpdateFramework update_framework = 19;
}
`;

const MESOS_V1_MASTER = `
syntax = "proto2";
package mesos.v1.master;

message Call {
  enum Type {
    UNKNOWN = 0;
    GET_HEALTH = 1;
    GET_FLAGS = 2;
    GET_VERSION = 3;
    GET_METRICS = 4;
    GET_LOGGING_LEVEL = 5;
    SET_LOGGING_LEVEL = 6;
    LIST_FILES = 7;
    READ_FILE = 8;
    GET_STATE = 9;
    GET_AGENTS = 10;
    GET_FRAMEWORKS = 11;
    GET_EXECUTORS = 12;
    GET_OPERATIONS = 33;
    GET_TASKS = 13;
    GET_ROLES = 14;
    GET_WEIGHTS = 15;
    UPDATE_WEIGHTS = 16;
    GET_MASTER = 17;
    SUBSCRIBE = 18;
    RESERVE_RESOURCES = 19;
    UNRESERVE_RESOURCES = 20;
    CREATE_VOLUMES = 21;
    DESTROY_VOLUMES = 22;
    GROW_VOLUME = 34;
    SHRINK_VOLUME = 35;
    GET_MAINTENANCE_STATUS = 23;
    GET_MAINTENANCE_SCHEDULE = 24;
    UPDATE_MAINTENANCE_SCHEDULE = 25;
    START_MAINTENANCE = 26;
    STOP_MAINTENANCE = 27;
    DRAIN_AGENT = 37;
    DEACTIVATE_AGENT = 38;
    REACTIVATE_AGENT = 39;
    GET_QUOTA = 28;
    UPDATE_QUOTA = 36;
    SET_QUOTA = 29;
    REMOVE_QUOTA = 30;
    TEARDOWN = 31;
    MARK_AGENT_GONE = 32;
  }
  message GetMetrics { optional DurationInfo timeout = 1; }
  message SetLoggingLevel {
    required uint32 level = 1;
    required DurationInfo duration = 2;
  }
  message ListFiles { required string path = 1; }
  message ReadFile {
    required string path = 1;
    required uint64 offset = 2;
    optional uint64 length = 3;
  }
  message Teardown { required FrameworkID framework_id = 1; }
  message MarkAgentGone { required AgentID agent_id = 1; }

  optional Type type = 1;
  optional GetMetrics get_metrics = 2;
  optional SetLoggingLevel set_logging_level = 3;
  optional ListFiles list_files = 4;
  optional ReadFile read_file = 5;
  optional Teardown teardown = 16;
  optional MarkAgentGone mark_agent_gone = 17;
}

message Response {
  enum Type {
    UNKNOWN = 0;
    GET_HEALTH = 1;
    GET_FLAGS = 2;
    GET_VERSION = 3;
    GET_METRICS = 4;
    GET_LOGGING_LEVEL = 5;
    LIST_FILES = 6;
    READ_FILE = 7;
    GET_STATE = 8;
    GET_AGENTS = 9;
    GET_FRAMEWORKS = 10;
    GET_EXECUTORS = 11;
    GET_OPERATIONS = 19;
    GET_TASKS = 12;
    GET_ROLES = 13;
    GET_WEIGHTS = 14;
    GET_MASTER = 15;
    GET_MAINTENANCE_STATUS = 16;
    GET_MAINTENANCE_SCHEDULE = 17;
    GET_QUOTA = 18;
  }
  message GetHealth { required bool healthy = 1; }
  message GetFlags { repeated Flag flags = 1; }
  message GetVersion { required VersionInfo version_info = 1; }
  message GetMetrics { repeated Metric metrics = 1; }
  message GetLoggingLevel { required uint32 level = 1; }
  message ListFiles { repeated FileInfo file_infos = 1; }
  message ReadFile {
    required uint64 size = 1;
    required bytes data = 2;
  }
  message GetState {
    optional GetTasks get_tasks = 1;
    optional GetExecutors get_executors = 2;
    optional GetFrameworks get_frameworks = 3;
    optional GetAgents get_agents = 4;
  }
  message GetAgents {
    message Agent {
      required AgentInfo agent_info = 1;
      required bool active = 2;
      optional bool deactivated = 12;
      required string version = 3;
      optional string pid = 4;
      optional TimeInfo registered_time = 5;
      optional TimeInfo reregistered_time = 6;
      repeated Resource total_resources = 7;
      repeated Resource allocated_resources = 8;
      repeated Resource offered_resources = 9;
      repeated AgentInfo.Capability capabilities = 10;
      optional DrainInfo drain_info = 13;
      optional TimeInfo estimated_drain_start_time = 14;
    }
    repeated Agent agents = 1;
    repeated AgentInfo recovered_agents = 2;
  }
  message GetFrameworks {
    message Framework {
      required FrameworkInfo framework_info = 1;
      required bool active = 2;
      required bool connected = 3;
      required bool recovered = 11;
      optional TimeInfo registered_time = 4;
      optional TimeInfo reregistered_time = 5;
      optional TimeInfo unregistered_time = 6;
      repeated Offer offers = 7;
      repeated InverseOffer inverse_offers = 8;
      repeated Resource allocated_resources = 9;
      repeated Resource offered_resources = 10;
      optional scheduler.OfferConstraints offer_constraints = 12;
    }
    repeated Framework frameworks = 1;
    repeated Framework completed_frameworks = 2;
    repeated FrameworkInfo recovered_frameworks = 3 [deprecated = true];
  }
  message GetExecutors {
    message Executor {
      required ExecutorInfo executor_info = 1;
      required AgentID agent_id = 2;
    }
    repeated Executor executors = 1;
    repeated Executor orphan_executors = 2 [deprecated = true];
  }
  message GetTasks {
    repeated Task pending_tasks = 1 [deprecated = true];
    repeated Task tasks = 2;
    repeated Task unreachable_tasks = 5;
    repeated Task completed_tasks = 3;
    repeated Task orphan_tasks = 4 [deprecated = true];
  }
  message GetMaster {
    optional MasterInfo master_info = 1;
    optional double start_time = 2;
    optional double elected_time = 3;
  }

  optional Type type = 1;
  optional GetHealth get_health = 2;
  optional GetFlags get_flags = 3;
  optional GetVersion get_version = 4;
  optional GetMetrics get_metrics = 5;
  optional GetLoggingLevel get_logging_level = 6;
  optional ListFiles list_files = 7;
  optional ReadFile read_file = 8;
  optional GetState get_state = 9;
  optional GetAgents get_agents = 10;
  optional GetFrameworks get_frameworks = 11;
  optional GetExecutors get_executors = 12;
  optional GetTasks get_tasks = 13;
  optional GetMaster get_master = 16;
}
`;

/** The schema texts, in dependency order (scheduler and master refer to mesos.v1 types). */
export const MESOS_PROTO_SOURCES: readonly string[] = [MESOS_V1, MESOS_V1_SCHEDULER, MESOS_V1_MASTER];
