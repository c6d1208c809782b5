export namespace app {
	
	export class AppInfo {
	    name: string;
	    version: string;
	    goVersion: string;
	    platform: string;
	
	    static createFrom(source: any = {}) {
	        return new AppInfo(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.version = source["version"];
	        this.goVersion = source["goVersion"];
	        this.platform = source["platform"];
	    }
	}
	export class BodyView {
	    contentType: string;
	    text: string;
	    base64: string;
	    isText: boolean;
	    size: number;
	    truncated: boolean;
	
	    static createFrom(source: any = {}) {
	        return new BodyView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.contentType = source["contentType"];
	        this.text = source["text"];
	        this.base64 = source["base64"];
	        this.isText = source["isText"];
	        this.size = source["size"];
	        this.truncated = source["truncated"];
	    }
	}
	export class ToolCallView {
	    index: number;
	    id: string;
	    name: string;
	    arguments: string;
	    argumentsError: string;
	    argumentsTruncated: boolean;
	    argumentsSize: number;
	
	    static createFrom(source: any = {}) {
	        return new ToolCallView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.index = source["index"];
	        this.id = source["id"];
	        this.name = source["name"];
	        this.arguments = source["arguments"];
	        this.argumentsError = source["argumentsError"];
	        this.argumentsTruncated = source["argumentsTruncated"];
	        this.argumentsSize = source["argumentsSize"];
	    }
	}
	export class TextDelta {
	    append: string;
	    reset: boolean;
	    total: number;
	
	    static createFrom(source: any = {}) {
	        return new TextDelta(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.append = source["append"];
	        this.reset = source["reset"];
	        this.total = source["total"];
	    }
	}
	export class ChoiceDelta {
	    index: number;
	    content?: TextDelta;
	    reasoning?: TextDelta;
	    toolCalls?: ToolCallView[];
	    finishReason?: string;
	
	    static createFrom(source: any = {}) {
	        return new ChoiceDelta(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.index = source["index"];
	        this.content = this.convertValues(source["content"], TextDelta);
	        this.reasoning = this.convertValues(source["reasoning"], TextDelta);
	        this.toolCalls = this.convertValues(source["toolCalls"], ToolCallView);
	        this.finishReason = source["finishReason"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class ChunkView {
	    seq: number;
	    available: boolean;
	    text: string;
	    base64: string;
	    isText: boolean;
	    size: number;
	
	    static createFrom(source: any = {}) {
	        return new ChunkView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.seq = source["seq"];
	        this.available = source["available"];
	        this.text = source["text"];
	        this.base64 = source["base64"];
	        this.isText = source["isText"];
	        this.size = source["size"];
	    }
	}
	export class EndpointDoc {
	    ref: string;
	    endpoint: project.Endpoint;
	    script: string;
	    variables: string[];
	
	    static createFrom(source: any = {}) {
	        return new EndpointDoc(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.ref = source["ref"];
	        this.endpoint = this.convertValues(source["endpoint"], project.Endpoint);
	        this.script = source["script"];
	        this.variables = source["variables"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class CredentialsMoved {
	    endpoint: EndpointDoc;
	    environment: string;
	    moved: project.Credential[];
	
	    static createFrom(source: any = {}) {
	        return new CredentialsMoved(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.endpoint = this.convertValues(source["endpoint"], EndpointDoc);
	        this.environment = source["environment"];
	        this.moved = this.convertValues(source["moved"], project.Credential);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class CurlImport {
	    endpoint: EndpointDoc;
	    warnings: string[];
	    credentials: project.Credential[];
	
	    static createFrom(source: any = {}) {
	        return new CurlImport(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.endpoint = this.convertValues(source["endpoint"], EndpointDoc);
	        this.warnings = source["warnings"];
	        this.credentials = this.convertValues(source["credentials"], project.Credential);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class DiagConfig {
	    enabled: boolean;
	    dir: string;
	
	    static createFrom(source: any = {}) {
	        return new DiagConfig(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.enabled = source["enabled"];
	        this.dir = source["dir"];
	    }
	}
	export class DiagFrameParts {
	    pullMs: number;
	    applyMs: number;
	    modelMs: number;
	    layoutMs: number;
	    totalMs: number;
	
	    static createFrom(source: any = {}) {
	        return new DiagFrameParts(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.pullMs = source["pullMs"];
	        this.applyMs = source["applyMs"];
	        this.modelMs = source["modelMs"];
	        this.layoutMs = source["layoutMs"];
	        this.totalMs = source["totalMs"];
	    }
	}
	export class DiagFrames {
	    count: number;
	    maxGapMs: number;
	    over50: number;
	    over100: number;
	    worst: number[];
	    worstAtMs: number[];
	    worstBusyMs: number[];
	    worstBefore: DiagFrameParts[];
	
	    static createFrom(source: any = {}) {
	        return new DiagFrames(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.count = source["count"];
	        this.maxGapMs = source["maxGapMs"];
	        this.over50 = source["over50"];
	        this.over100 = source["over100"];
	        this.worst = source["worst"];
	        this.worstAtMs = source["worstAtMs"];
	        this.worstBusyMs = source["worstBusyMs"];
	        this.worstBefore = this.convertValues(source["worstBefore"], DiagFrameParts);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class DiagLatency {
	    count: number;
	    p50: number;
	    p90: number;
	    p99: number;
	    max: number;
	    skipped: number;
	    p99BySecond: number[];
	
	    static createFrom(source: any = {}) {
	        return new DiagLatency(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.count = source["count"];
	        this.p50 = source["p50"];
	        this.p90 = source["p90"];
	        this.p99 = source["p99"];
	        this.max = source["max"];
	        this.skipped = source["skipped"];
	        this.p99BySecond = source["p99BySecond"];
	    }
	}
	export class DiagRunReport {
	    runId: string;
	    events: number;
	    records: number;
	    recordsInMemory: number;
	    lastSeq: number;
	    reordered: number;
	    missingBatches: number;
	    verdict: string;
	    complete: boolean;
	    reason: string;
	    content: string;
	    latency: DiagLatency;
	    arrival: DiagLatency;
	    frames: DiagFrames;
	    durationS: number;
	    bridgeMs: number;
	    bridgeCalls: number;
	    applyMs: number;
	    applyCalls: number;
	    frameRestMs: number;
	    frameRestCalls: number;
	    modelMs: number;
	    layoutMs: number;
	    pullMs: number;
	    pullCalls: number;
	
	    static createFrom(source: any = {}) {
	        return new DiagRunReport(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.runId = source["runId"];
	        this.events = source["events"];
	        this.records = source["records"];
	        this.recordsInMemory = source["recordsInMemory"];
	        this.lastSeq = source["lastSeq"];
	        this.reordered = source["reordered"];
	        this.missingBatches = source["missingBatches"];
	        this.verdict = source["verdict"];
	        this.complete = source["complete"];
	        this.reason = source["reason"];
	        this.content = source["content"];
	        this.latency = this.convertValues(source["latency"], DiagLatency);
	        this.arrival = this.convertValues(source["arrival"], DiagLatency);
	        this.frames = this.convertValues(source["frames"], DiagFrames);
	        this.durationS = source["durationS"];
	        this.bridgeMs = source["bridgeMs"];
	        this.bridgeCalls = source["bridgeCalls"];
	        this.applyMs = source["applyMs"];
	        this.applyCalls = source["applyCalls"];
	        this.frameRestMs = source["frameRestMs"];
	        this.frameRestCalls = source["frameRestCalls"];
	        this.modelMs = source["modelMs"];
	        this.layoutMs = source["layoutMs"];
	        this.pullMs = source["pullMs"];
	        this.pullCalls = source["pullCalls"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	export class VariableEdit {
	    name: string;
	    value: string;
	    secret: boolean;
	    keepSecret: boolean;
	
	    static createFrom(source: any = {}) {
	        return new VariableEdit(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.value = source["value"];
	        this.secret = source["secret"];
	        this.keepSecret = source["keepSecret"];
	    }
	}
	export class EnvironmentEdit {
	    name: string;
	    variables: VariableEdit[];
	
	    static createFrom(source: any = {}) {
	        return new EnvironmentEdit(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.variables = this.convertValues(source["variables"], VariableEdit);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class VariableView {
	    name: string;
	    value: string;
	    secret: boolean;
	    hasValue: boolean;
	
	    static createFrom(source: any = {}) {
	        return new VariableView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.value = source["value"];
	        this.secret = source["secret"];
	        this.hasValue = source["hasValue"];
	    }
	}
	export class EnvironmentView {
	    name: string;
	    file: string;
	    variables: VariableView[];
	
	    static createFrom(source: any = {}) {
	        return new EnvironmentView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.file = source["file"];
	        this.variables = this.convertValues(source["variables"], VariableView);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class MenuEvent {
	    action: string;
	    path: string;
	
	    static createFrom(source: any = {}) {
	        return new MenuEvent(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.action = source["action"];
	        this.path = source["path"];
	    }
	}
	export class MockStatus {
	    running: boolean;
	    baseUrl: string;
	    error: string;
	    activeRequests: number;
	
	    static createFrom(source: any = {}) {
	        return new MockStatus(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.running = source["running"];
	        this.baseUrl = source["baseUrl"];
	        this.error = source["error"];
	        this.activeRequests = source["activeRequests"];
	    }
	}
	export class SettingsView {
	    theme: string;
	    mockEnabled: boolean;
	    window: appstate.Window;
	    recent: appstate.RecentProject[];
	    lastProject: string;
	    allowEnv: string[];
	    allowEnvFromProcess: string[];
	    path: string;
	    loadError: string;
	
	    static createFrom(source: any = {}) {
	        return new SettingsView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.theme = source["theme"];
	        this.mockEnabled = source["mockEnabled"];
	        this.window = this.convertValues(source["window"], appstate.Window);
	        this.recent = this.convertValues(source["recent"], appstate.RecentProject);
	        this.lastProject = source["lastProject"];
	        this.allowEnv = source["allowEnv"];
	        this.allowEnvFromProcess = source["allowEnvFromProcess"];
	        this.path = source["path"];
	        this.loadError = source["loadError"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class ProjectChanged {
	    dir: string;
	    reason: string;
	    error: string;
	
	    static createFrom(source: any = {}) {
	        return new ProjectChanged(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.dir = source["dir"];
	        this.reason = source["reason"];
	        this.error = source["error"];
	    }
	}
	export class RunDone {
	    status: number;
	    reason: string;
	    code: string;
	    message: string;
	    durationMs: number;
	    events: number;
	    bytes: number;
	    wireBytes: number;
	    attempts: number;
	    verdict: string;
	    complete: boolean;
	    streamKind: string;
	    contentType: string;
	    testsPassed: number;
	    testsFailed: number;
	    scriptError: string;
	    replay: boolean;
	
	    static createFrom(source: any = {}) {
	        return new RunDone(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.status = source["status"];
	        this.reason = source["reason"];
	        this.code = source["code"];
	        this.message = source["message"];
	        this.durationMs = source["durationMs"];
	        this.events = source["events"];
	        this.bytes = source["bytes"];
	        this.wireBytes = source["wireBytes"];
	        this.attempts = source["attempts"];
	        this.verdict = source["verdict"];
	        this.complete = source["complete"];
	        this.streamKind = source["streamKind"];
	        this.contentType = source["contentType"];
	        this.testsPassed = source["testsPassed"];
	        this.testsFailed = source["testsFailed"];
	        this.scriptError = source["scriptError"];
	        this.replay = source["replay"];
	    }
	}
	export class ScriptTest {
	    name: string;
	    passed: boolean;
	    message: string;
	    eventSeq: number;
	
	    static createFrom(source: any = {}) {
	        return new ScriptTest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.passed = source["passed"];
	        this.message = source["message"];
	        this.eventSeq = source["eventSeq"];
	    }
	}
	export class ScriptLog {
	    level: string;
	    message: string;
	    eventSeq: number;
	
	    static createFrom(source: any = {}) {
	        return new ScriptLog(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.level = source["level"];
	        this.message = source["message"];
	        this.eventSeq = source["eventSeq"];
	    }
	}
	export class RunMetrics {
	    elapsedMs: number;
	    dnsMs: number;
	    connectMs: number;
	    tlsMs: number;
	    ttfbMs: number;
	    firstEventMs: number;
	    firstTokenMs: number;
	    events: number;
	    records: number;
	    bytes: number;
	    tokens: number;
	    tokensFromUsage: boolean;
	    tokensPerSecond: number;
	    eventsPerSecond: number;
	    maxGapMs: number;
	
	    static createFrom(source: any = {}) {
	        return new RunMetrics(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.elapsedMs = source["elapsedMs"];
	        this.dnsMs = source["dnsMs"];
	        this.connectMs = source["connectMs"];
	        this.tlsMs = source["tlsMs"];
	        this.ttfbMs = source["ttfbMs"];
	        this.firstEventMs = source["firstEventMs"];
	        this.firstTokenMs = source["firstTokenMs"];
	        this.events = source["events"];
	        this.records = source["records"];
	        this.bytes = source["bytes"];
	        this.tokens = source["tokens"];
	        this.tokensFromUsage = source["tokensFromUsage"];
	        this.tokensPerSecond = source["tokensPerSecond"];
	        this.eventsPerSecond = source["eventsPerSecond"];
	        this.maxGapMs = source["maxGapMs"];
	    }
	}
	export class MergeDelta {
	    format: string;
	    content?: TextDelta;
	    reasoning?: TextDelta;
	    refusal?: TextDelta;
	    toolCalls?: ToolCallView[];
	    choices?: ChoiceDelta[];
	    finishReason?: string;
	    usage: Record<string, any>;
	    error?: merge.StreamError;
	    verdict: string;
	    complete: boolean;
	    events: number;
	    model: string;
	    id: string;
	    warnings: string[];
	    pending: boolean;
	
	    static createFrom(source: any = {}) {
	        return new MergeDelta(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.format = source["format"];
	        this.content = this.convertValues(source["content"], TextDelta);
	        this.reasoning = this.convertValues(source["reasoning"], TextDelta);
	        this.refusal = this.convertValues(source["refusal"], TextDelta);
	        this.toolCalls = this.convertValues(source["toolCalls"], ToolCallView);
	        this.choices = this.convertValues(source["choices"], ChoiceDelta);
	        this.finishReason = source["finishReason"];
	        this.usage = source["usage"];
	        this.error = this.convertValues(source["error"], merge.StreamError);
	        this.verdict = source["verdict"];
	        this.complete = source["complete"];
	        this.events = source["events"];
	        this.model = source["model"];
	        this.id = source["id"];
	        this.warnings = source["warnings"];
	        this.pending = source["pending"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class TimelineRecord {
	    seq: number;
	    kind: string;
	    time_ms: number;
	    attempt: number;
	    request?: send.RequestInfo;
	    redirect?: send.RedirectInfo;
	    response?: send.ResponseInfo;
	    chunk?: send.ChunkInfo;
	    event?: send.EventInfo;
	    text?: string;
	    retry?: send.RetryInfo;
	    warning?: send.Notice;
	    error?: send.Notice;
	    end?: send.EndInfo;
	
	    static createFrom(source: any = {}) {
	        return new TimelineRecord(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.seq = source["seq"];
	        this.kind = source["kind"];
	        this.time_ms = source["time_ms"];
	        this.attempt = source["attempt"];
	        this.request = this.convertValues(source["request"], send.RequestInfo);
	        this.redirect = this.convertValues(source["redirect"], send.RedirectInfo);
	        this.response = this.convertValues(source["response"], send.ResponseInfo);
	        this.chunk = this.convertValues(source["chunk"], send.ChunkInfo);
	        this.event = this.convertValues(source["event"], send.EventInfo);
	        this.text = source["text"];
	        this.retry = this.convertValues(source["retry"], send.RetryInfo);
	        this.warning = this.convertValues(source["warning"], send.Notice);
	        this.error = this.convertValues(source["error"], send.Notice);
	        this.end = this.convertValues(source["end"], send.EndInfo);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class RunBatch {
	    runId: string;
	    seq: number;
	    records: TimelineRecord[];
	    merge?: MergeDelta;
	    metrics?: RunMetrics;
	    logs?: ScriptLog[];
	    tests?: ScriptTest[];
	    done?: RunDone;
	
	    static createFrom(source: any = {}) {
	        return new RunBatch(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.runId = source["runId"];
	        this.seq = source["seq"];
	        this.records = this.convertValues(source["records"], TimelineRecord);
	        this.merge = this.convertValues(source["merge"], MergeDelta);
	        this.metrics = this.convertValues(source["metrics"], RunMetrics);
	        this.logs = this.convertValues(source["logs"], ScriptLog);
	        this.tests = this.convertValues(source["tests"], ScriptTest);
	        this.done = this.convertValues(source["done"], RunDone);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class EventCatalog {
	    names: Record<string, string>;
	    run: RunBatch;
	    projectChanged: ProjectChanged;
	    settingsChanged: SettingsView;
	    mockChanged: MockStatus;
	    menu: MenuEvent;
	    problem: string;
	
	    static createFrom(source: any = {}) {
	        return new EventCatalog(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.names = source["names"];
	        this.run = this.convertValues(source["run"], RunBatch);
	        this.projectChanged = this.convertValues(source["projectChanged"], ProjectChanged);
	        this.settingsChanged = this.convertValues(source["settingsChanged"], SettingsView);
	        this.mockChanged = this.convertValues(source["mockChanged"], MockStatus);
	        this.menu = this.convertValues(source["menu"], MenuEvent);
	        this.problem = source["problem"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class ExportResult {
	    path: string;
	    bytes: number;
	
	    static createFrom(source: any = {}) {
	        return new ExportResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.path = source["path"];
	        this.bytes = source["bytes"];
	    }
	}
	
	
	
	export class Problem {
	    path: string;
	    line: number;
	    reason: string;
	
	    static createFrom(source: any = {}) {
	        return new Problem(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.path = source["path"];
	        this.line = source["line"];
	        this.reason = source["reason"];
	    }
	}
	
	export class RecordingView {
	    path: string;
	    name: string;
	    endpoint: string;
	
	    static createFrom(source: any = {}) {
	        return new RecordingView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.path = source["path"];
	        this.name = source["name"];
	        this.endpoint = source["endpoint"];
	    }
	}
	export class TreeItem {
	    kind: string;
	    ref: string;
	    name: string;
	    parent: string;
	    depth: number;
	    seq: number;
	    method: string;
	    url: string;
	    file: string;
	    hasScript: boolean;
	
	    static createFrom(source: any = {}) {
	        return new TreeItem(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.kind = source["kind"];
	        this.ref = source["ref"];
	        this.name = source["name"];
	        this.parent = source["parent"];
	        this.depth = source["depth"];
	        this.seq = source["seq"];
	        this.method = source["method"];
	        this.url = source["url"];
	        this.file = source["file"];
	        this.hasScript = source["hasScript"];
	    }
	}
	export class ProjectView {
	    open: boolean;
	    dir: string;
	    name: string;
	    id: string;
	    isDemo: boolean;
	    defaultEnvironment: string;
	    items: TreeItem[];
	    environments: EnvironmentView[];
	    problems: Problem[];
	    recordings: string[];
	    recordingItems: RecordingView[];
	
	    static createFrom(source: any = {}) {
	        return new ProjectView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.open = source["open"];
	        this.dir = source["dir"];
	        this.name = source["name"];
	        this.id = source["id"];
	        this.isDemo = source["isDemo"];
	        this.defaultEnvironment = source["defaultEnvironment"];
	        this.items = this.convertValues(source["items"], TreeItem);
	        this.environments = this.convertValues(source["environments"], EnvironmentView);
	        this.problems = this.convertValues(source["problems"], Problem);
	        this.recordings = source["recordings"];
	        this.recordingItems = this.convertValues(source["recordingItems"], RecordingView);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class RawView {
	    offset: number;
	    size: number;
	    available: boolean;
	    reason: string;
	    text: string;
	    base64: string;
	    isText: boolean;
	    shortened: boolean;
	
	    static createFrom(source: any = {}) {
	        return new RawView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.offset = source["offset"];
	        this.size = source["size"];
	        this.available = source["available"];
	        this.reason = source["reason"];
	        this.text = source["text"];
	        this.base64 = source["base64"];
	        this.isText = source["isText"];
	        this.shortened = source["shortened"];
	    }
	}
	export class RecordPage {
	    records: TimelineRecord[];
	    from: number;
	    first: number;
	    last: number;
	
	    static createFrom(source: any = {}) {
	        return new RecordPage(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.records = this.convertValues(source["records"], TimelineRecord);
	        this.from = source["from"];
	        this.first = source["first"];
	        this.last = source["last"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	export class RuleCheck {
	    events: number;
	    content: number;
	    reasoning: number;
	    stop: number;
	    error: string;
	    preview: string;
	
	    static createFrom(source: any = {}) {
	        return new RuleCheck(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.events = source["events"];
	        this.content = source["content"];
	        this.reasoning = source["reasoning"];
	        this.stop = source["stop"];
	        this.error = source["error"];
	        this.preview = source["preview"];
	    }
	}
	export class RuleCheckRequest {
	    runId: string;
	    samples: string[];
	    content: string;
	    reasoning: string;
	    stop: string;
	
	    static createFrom(source: any = {}) {
	        return new RuleCheckRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.runId = source["runId"];
	        this.samples = source["samples"];
	        this.content = source["content"];
	        this.reasoning = source["reasoning"];
	        this.stop = source["stop"];
	    }
	}
	
	
	
	export class RunRequest {
	    ref: string;
	    endpoint?: project.Endpoint;
	    script?: string;
	    environment: string;
	    vars: Record<string, string>;
	
	    static createFrom(source: any = {}) {
	        return new RunRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.ref = source["ref"];
	        this.endpoint = this.convertValues(source["endpoint"], project.Endpoint);
	        this.script = source["script"];
	        this.environment = source["environment"];
	        this.vars = source["vars"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class RunResult {
	    runId: string;
	    running: boolean;
	    merge: merge.Result;
	    metrics: merge.Metrics;
	    status: number;
	    headers: Record<string, Array<string>>;
	    timing: send.Timing;
	    done?: RunDone;
	    logs: ScriptLog[];
	    tests: ScriptTest[];
	
	    static createFrom(source: any = {}) {
	        return new RunResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.runId = source["runId"];
	        this.running = source["running"];
	        this.merge = this.convertValues(source["merge"], merge.Result);
	        this.metrics = this.convertValues(source["metrics"], merge.Metrics);
	        this.status = source["status"];
	        this.headers = source["headers"];
	        this.timing = this.convertValues(source["timing"], send.Timing);
	        this.done = this.convertValues(source["done"], RunDone);
	        this.logs = this.convertValues(source["logs"], ScriptLog);
	        this.tests = this.convertValues(source["tests"], ScriptTest);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class RunStarted {
	    runId: string;
	    event: string;
	    method: string;
	    url: string;
	
	    static createFrom(source: any = {}) {
	        return new RunStarted(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.runId = source["runId"];
	        this.event = source["event"];
	        this.method = source["method"];
	        this.url = source["url"];
	    }
	}
	
	
	export class SecretsAccess {
	    trusted: boolean;
	    dir: string;
	    id: string;
	    owners: string[];
	    message: string;
	
	    static createFrom(source: any = {}) {
	        return new SecretsAccess(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.trusted = source["trusted"];
	        this.dir = source["dir"];
	        this.id = source["id"];
	        this.owners = source["owners"];
	        this.message = source["message"];
	    }
	}
	
	
	
	
	
	

}

export namespace appstate {
	
	export class RecentProject {
	    path: string;
	    name: string;
	    openedAt: string;
	
	    static createFrom(source: any = {}) {
	        return new RecentProject(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.path = source["path"];
	        this.name = source["name"];
	        this.openedAt = source["openedAt"];
	    }
	}
	export class Window {
	    x: number;
	    y: number;
	    width: number;
	    height: number;
	    maximised: boolean;
	
	    static createFrom(source: any = {}) {
	        return new Window(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.x = source["x"];
	        this.y = source["y"];
	        this.width = source["width"];
	        this.height = source["height"];
	        this.maximised = source["maximised"];
	    }
	}

}

export namespace eventstream {
	
	export class Header {
	    name: string;
	    type: string;
	    value: string;
	
	    static createFrom(source: any = {}) {
	        return new Header(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.type = source["type"];
	        this.value = source["value"];
	    }
	}

}

export namespace merge {
	
	export class ToolCall {
	    index: number;
	    id: string;
	    name: string;
	    arguments: string;
	    arguments_error?: string;
	    type?: string;
	    output?: any;
	
	    static createFrom(source: any = {}) {
	        return new ToolCall(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.index = source["index"];
	        this.id = source["id"];
	        this.name = source["name"];
	        this.arguments = source["arguments"];
	        this.arguments_error = source["arguments_error"];
	        this.type = source["type"];
	        this.output = source["output"];
	    }
	}
	export class Choice {
	    index: number;
	    content: string;
	    reasoning: string;
	    refusal?: string;
	    tool_calls: ToolCall[];
	    finish_reason?: string;
	
	    static createFrom(source: any = {}) {
	        return new Choice(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.index = source["index"];
	        this.content = source["content"];
	        this.reasoning = source["reasoning"];
	        this.refusal = source["refusal"];
	        this.tool_calls = this.convertValues(source["tool_calls"], ToolCall);
	        this.finish_reason = source["finish_reason"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class Citation {
	    type: string;
	    url?: string;
	    title?: string;
	    text?: string;
	    id?: string;
	    start?: number;
	    end?: number;
	
	    static createFrom(source: any = {}) {
	        return new Citation(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.type = source["type"];
	        this.url = source["url"];
	        this.title = source["title"];
	        this.text = source["text"];
	        this.id = source["id"];
	        this.start = source["start"];
	        this.end = source["end"];
	    }
	}
	export class Filter {
	    source: string;
	    index: number;
	    category: string;
	    filtered: boolean;
	    severity?: string;
	    detected?: boolean;
	    score?: string;
	
	    static createFrom(source: any = {}) {
	        return new Filter(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.source = source["source"];
	        this.index = source["index"];
	        this.category = source["category"];
	        this.filtered = source["filtered"];
	        this.severity = source["severity"];
	        this.detected = source["detected"];
	        this.score = source["score"];
	    }
	}
	export class Gap {
	    after_event: number;
	    ms: number;
	
	    static createFrom(source: any = {}) {
	        return new Gap(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.after_event = source["after_event"];
	        this.ms = source["ms"];
	    }
	}
	export class Metrics {
	    events: number;
	    content_events: number;
	    first_event_ms: number;
	    last_event_ms: number;
	    first_content_ms: number;
	    last_content_ms: number;
	    tokens: number;
	    tokens_from_usage: boolean;
	    tokens_per_second: number;
	    max_gap_ms: number;
	    max_gap_after: number;
	    gaps?: Gap[];
	
	    static createFrom(source: any = {}) {
	        return new Metrics(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.events = source["events"];
	        this.content_events = source["content_events"];
	        this.first_event_ms = source["first_event_ms"];
	        this.last_event_ms = source["last_event_ms"];
	        this.first_content_ms = source["first_content_ms"];
	        this.last_content_ms = source["last_content_ms"];
	        this.tokens = source["tokens"];
	        this.tokens_from_usage = source["tokens_from_usage"];
	        this.tokens_per_second = source["tokens_per_second"];
	        this.max_gap_ms = source["max_gap_ms"];
	        this.max_gap_after = source["max_gap_after"];
	        this.gaps = this.convertValues(source["gaps"], Gap);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class ServerTool {
	    type: string;
	    id: string;
	    name: string;
	    server?: string;
	    input: any;
	    output: any;
	
	    static createFrom(source: any = {}) {
	        return new ServerTool(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.type = source["type"];
	        this.id = source["id"];
	        this.name = source["name"];
	        this.server = source["server"];
	        this.input = source["input"];
	        this.output = source["output"];
	    }
	}
	export class StreamError {
	    message: string;
	    type: string;
	    code?: string;
	
	    static createFrom(source: any = {}) {
	        return new StreamError(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.message = source["message"];
	        this.type = source["type"];
	        this.code = source["code"];
	    }
	}
	export class Result {
	    format: string;
	    content: string;
	    reasoning: string;
	    tool_calls: ToolCall[];
	    finish_reason?: string;
	    usage: Record<string, any>;
	    error?: StreamError;
	    complete: boolean;
	    events: number;
	    choices?: Choice[];
	    server_tools?: ServerTool[];
	    citations?: Citation[];
	    filters?: Filter[];
	    verdict?: string;
	    lost?: string[];
	    refusal?: string;
	    reasoning_signature?: string;
	    encrypted_reasoning?: string;
	    model?: string;
	    id?: string;
	    invalid_events?: number;
	    tool_plan?: string;
	    warnings?: string[];
	
	    static createFrom(source: any = {}) {
	        return new Result(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.format = source["format"];
	        this.content = source["content"];
	        this.reasoning = source["reasoning"];
	        this.tool_calls = this.convertValues(source["tool_calls"], ToolCall);
	        this.finish_reason = source["finish_reason"];
	        this.usage = source["usage"];
	        this.error = this.convertValues(source["error"], StreamError);
	        this.complete = source["complete"];
	        this.events = source["events"];
	        this.choices = this.convertValues(source["choices"], Choice);
	        this.server_tools = this.convertValues(source["server_tools"], ServerTool);
	        this.citations = this.convertValues(source["citations"], Citation);
	        this.filters = this.convertValues(source["filters"], Filter);
	        this.verdict = source["verdict"];
	        this.lost = source["lost"];
	        this.refusal = source["refusal"];
	        this.reasoning_signature = source["reasoning_signature"];
	        this.encrypted_reasoning = source["encrypted_reasoning"];
	        this.model = source["model"];
	        this.id = source["id"];
	        this.invalid_events = source["invalid_events"];
	        this.tool_plan = source["tool_plan"];
	        this.warnings = source["warnings"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	

}

export namespace project {
	
	export class Auth {
	    type: string;
	    token?: string;
	    username?: string;
	    password?: string;
	    key?: string;
	    value?: string;
	    in?: string;
	    access_key?: string;
	    secret_key?: string;
	    session_token?: string;
	    region?: string;
	    service?: string;
	
	    static createFrom(source: any = {}) {
	        return new Auth(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.type = source["type"];
	        this.token = source["token"];
	        this.username = source["username"];
	        this.password = source["password"];
	        this.key = source["key"];
	        this.value = source["value"];
	        this.in = source["in"];
	        this.access_key = source["access_key"];
	        this.secret_key = source["secret_key"];
	        this.session_token = source["session_token"];
	        this.region = source["region"];
	        this.service = source["service"];
	    }
	}
	export class FormField {
	    name: string;
	    value?: string;
	    file?: string;
	    disabled?: boolean;
	
	    static createFrom(source: any = {}) {
	        return new FormField(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.value = source["value"];
	        this.file = source["file"];
	        this.disabled = source["disabled"];
	    }
	}
	export class Body {
	    type: string;
	    content_type?: string;
	    text?: string;
	    fields?: FormField[];
	
	    static createFrom(source: any = {}) {
	        return new Body(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.type = source["type"];
	        this.content_type = source["content_type"];
	        this.text = source["text"];
	        this.fields = this.convertValues(source["fields"], FormField);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class Credential {
	    field: string;
	    what: string;
	    var: string;
	
	    static createFrom(source: any = {}) {
	        return new Credential(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.field = source["field"];
	        this.what = source["what"];
	        this.var = source["var"];
	    }
	}
	export class Retry {
	    enabled: boolean;
	    max_attempts?: number;
	    max_wait_ms?: number;
	    fallback_ms?: number;
	
	    static createFrom(source: any = {}) {
	        return new Retry(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.enabled = source["enabled"];
	        this.max_attempts = source["max_attempts"];
	        this.max_wait_ms = source["max_wait_ms"];
	        this.fallback_ms = source["fallback_ms"];
	    }
	}
	export class Reconnect {
	    enabled: boolean;
	    max_attempts?: number;
	    delay_ms?: number;
	
	    static createFrom(source: any = {}) {
	        return new Reconnect(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.enabled = source["enabled"];
	        this.max_attempts = source["max_attempts"];
	        this.delay_ms = source["delay_ms"];
	    }
	}
	export class Timeouts {
	    header_ms?: number;
	    idle_ms?: number;
	
	    static createFrom(source: any = {}) {
	        return new Timeouts(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.header_ms = source["header_ms"];
	        this.idle_ms = source["idle_ms"];
	    }
	}
	export class MergeSettings {
	    format?: string;
	    content?: string;
	    reasoning?: string;
	    stop?: string;
	
	    static createFrom(source: any = {}) {
	        return new MergeSettings(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.format = source["format"];
	        this.content = source["content"];
	        this.reasoning = source["reasoning"];
	        this.stop = source["stop"];
	    }
	}
	export class KV {
	    name: string;
	    value: string;
	    disabled?: boolean;
	
	    static createFrom(source: any = {}) {
	        return new KV(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.value = source["value"];
	        this.disabled = source["disabled"];
	    }
	}
	export class Endpoint {
	    schema: number;
	    name: string;
	    seq: number;
	    method: string;
	    url: string;
	    query?: KV[];
	    headers?: KV[];
	    body?: Body;
	    auth?: Auth;
	    stream?: string;
	    follow_redirects?: boolean;
	    compressed?: boolean;
	    merge?: MergeSettings;
	    script?: string;
	    timeouts?: Timeouts;
	    reconnect?: Reconnect;
	    retry?: Retry;
	    notes?: string;
	    file: string;
	    folder: string;
	
	    static createFrom(source: any = {}) {
	        return new Endpoint(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.schema = source["schema"];
	        this.name = source["name"];
	        this.seq = source["seq"];
	        this.method = source["method"];
	        this.url = source["url"];
	        this.query = this.convertValues(source["query"], KV);
	        this.headers = this.convertValues(source["headers"], KV);
	        this.body = this.convertValues(source["body"], Body);
	        this.auth = this.convertValues(source["auth"], Auth);
	        this.stream = source["stream"];
	        this.follow_redirects = source["follow_redirects"];
	        this.compressed = source["compressed"];
	        this.merge = this.convertValues(source["merge"], MergeSettings);
	        this.script = source["script"];
	        this.timeouts = this.convertValues(source["timeouts"], Timeouts);
	        this.reconnect = this.convertValues(source["reconnect"], Reconnect);
	        this.retry = this.convertValues(source["retry"], Retry);
	        this.notes = source["notes"];
	        this.file = source["file"];
	        this.folder = source["folder"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	
	
	
	

}

export namespace send {
	
	export class ChunkInfo {
	    offset: number;
	    size: number;
	    preview: string;
	    truncated?: boolean;
	
	    static createFrom(source: any = {}) {
	        return new ChunkInfo(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.offset = source["offset"];
	        this.size = source["size"];
	        this.preview = source["preview"];
	        this.truncated = source["truncated"];
	    }
	}
	export class Timing {
	    dns_ms: number;
	    connect_ms: number;
	    tls_ms: number;
	    reused: boolean;
	    ttfb_ms: number;
	    first_event_ms: number;
	    duration_ms: number;
	
	    static createFrom(source: any = {}) {
	        return new Timing(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.dns_ms = source["dns_ms"];
	        this.connect_ms = source["connect_ms"];
	        this.tls_ms = source["tls_ms"];
	        this.reused = source["reused"];
	        this.ttfb_ms = source["ttfb_ms"];
	        this.first_event_ms = source["first_event_ms"];
	        this.duration_ms = source["duration_ms"];
	    }
	}
	export class EndInfo {
	    reason: string;
	    code?: string;
	    message?: string;
	    events: number;
	    bytes: number;
	    wire_bytes: number;
	    attempts: number;
	    timing: Timing;
	
	    static createFrom(source: any = {}) {
	        return new EndInfo(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.reason = source["reason"];
	        this.code = source["code"];
	        this.message = source["message"];
	        this.events = source["events"];
	        this.bytes = source["bytes"];
	        this.wire_bytes = source["wire_bytes"];
	        this.attempts = source["attempts"];
	        this.timing = this.convertValues(source["timing"], Timing);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class EventInfo {
	    index: number;
	    type: string;
	    data: string;
	    id: string;
	    truncated?: boolean;
	    size?: number;
	    headers?: eventstream.Header[];
	    raw_offset?: number;
	    raw_size?: number;
	
	    static createFrom(source: any = {}) {
	        return new EventInfo(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.index = source["index"];
	        this.type = source["type"];
	        this.data = source["data"];
	        this.id = source["id"];
	        this.truncated = source["truncated"];
	        this.size = source["size"];
	        this.headers = this.convertValues(source["headers"], eventstream.Header);
	        this.raw_offset = source["raw_offset"];
	        this.raw_size = source["raw_size"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class Notice {
	    code: string;
	    message: string;
	
	    static createFrom(source: any = {}) {
	        return new Notice(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.code = source["code"];
	        this.message = source["message"];
	    }
	}
	export class RedirectInfo {
	    status: number;
	    from: string;
	    to: string;
	    method: string;
	    cross_origin: boolean;
	    dropped?: string[];
	    body?: string;
	    followed: boolean;
	    reason?: string;
	
	    static createFrom(source: any = {}) {
	        return new RedirectInfo(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.status = source["status"];
	        this.from = source["from"];
	        this.to = source["to"];
	        this.method = source["method"];
	        this.cross_origin = source["cross_origin"];
	        this.dropped = source["dropped"];
	        this.body = source["body"];
	        this.followed = source["followed"];
	        this.reason = source["reason"];
	    }
	}
	export class RequestInfo {
	    method: string;
	    url: string;
	    headers: Record<string, Array<string>>;
	    body_size: number;
	
	    static createFrom(source: any = {}) {
	        return new RequestInfo(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.method = source["method"];
	        this.url = source["url"];
	        this.headers = source["headers"];
	        this.body_size = source["body_size"];
	    }
	}
	export class ResponseInfo {
	    status: number;
	    status_text: string;
	    proto: string;
	    headers: Record<string, Array<string>>;
	    stream_kind: string;
	    encoding?: string;
	    timing: Timing;
	
	    static createFrom(source: any = {}) {
	        return new ResponseInfo(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.status = source["status"];
	        this.status_text = source["status_text"];
	        this.proto = source["proto"];
	        this.headers = source["headers"];
	        this.stream_kind = source["stream_kind"];
	        this.encoding = source["encoding"];
	        this.timing = this.convertValues(source["timing"], Timing);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class RetryInfo {
	    reason: string;
	    wait_ms: number;
	    next_attempt: number;
	    last_event_id?: string;
	
	    static createFrom(source: any = {}) {
	        return new RetryInfo(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.reason = source["reason"];
	        this.wait_ms = source["wait_ms"];
	        this.next_attempt = source["next_attempt"];
	        this.last_event_id = source["last_event_id"];
	    }
	}

}

