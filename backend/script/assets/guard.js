// Streamscope sandbox prelude: runs in every fresh runtime before the user's
// script. It wraps the built-ins that can allocate, in one native step that
// goja cannot interrupt, far more than their input: each wrapper checks the
// size first and throws a RangeError naming the limit. Every original is
// kept in this closure only, and called through a captured Reflect.apply so
// that a script cannot reach or redirect it.
(function (maxStr, maxArr, maxArgs, rxGiveUpMs, maxCode, codeUnits, maxRx, sizes) {
	"use strict";
	var apply = Reflect.apply, defineProperty = Object.defineProperty, getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor,
		getOwnPropertyNames = Object.getOwnPropertyNames, isArray = Array.isArray,
		StringCtor = String, RangeErrorCtor = RangeError, floor = Math.floor, min = Math.min,
		ArrayCtor = Array, RegExpCtor = RegExp, create = Object.create,
		origMatch = String.prototype.match, origSplit = String.prototype.split,
		origIndexOf = String.prototype.indexOf, origJoin = Array.prototype.join,
		SymIterator = Symbol.iterator, SymReplace = Symbol.replace, guardedRxReplace, origArrayIter = Array.prototype[Symbol.iterator],
		origStrIter = String.prototype[Symbol.iterator];

	function tooLong(what, n, max) {
		throw new RangeErrorCtor(what + ": " + n + " exceeds the sandbox limit of " + max);
	}
	function len(o) {
		if (o === null || o === undefined) return 0;
		var n = +o.length;
		return n > 0 ? floor(n) : 0;
	}
	function checkLen(what, o) {
		var n = len(o);
		if (n > maxArr) tooLong(what + " length", n, maxArr);
	}
	function checkStr(what, n) {
		if (n > maxStr) tooLong(what + " result length", n, maxStr);
	}
	function replace(obj, name, fn) {
		defineProperty(obj, name, { value: fn, writable: true, enumerable: false, configurable: true });
	}
	function wrapLen(obj, name, what) {
		var orig = obj[name];
		if (typeof orig !== "function") return;
		replace(obj, name, {
			[name]: function () {
				checkLen(what, this);
				return apply(orig, this, arguments);
			}
		}[name]);
	}

	// Binary buffers: no script needs them, and they allocate their full size at once.
	var g = globalThis;
	["ArrayBuffer", "SharedArrayBuffer", "DataView", "Atomics", "Int8Array", "Uint8Array",
		"Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array", "Uint32Array",
		"Float16Array", "Float32Array", "Float64Array", "BigInt64Array", "BigUint64Array"
	].forEach(function (n) { delete g[n]; });

	// Arrays: every method checks this.length first (sparse arrays of length
	// 2^32-1 cost nothing until a native method walks them).
	var AP = Array.prototype;
	getOwnPropertyNames(AP).forEach(function (name) {
		if (name === "constructor" || name === "length" || name === "join" || name === "concat" ||
			name === "flat" || name === "flatMap" || name === "toLocaleString") return;
		wrapLen(AP, name, "Array.prototype." + name + ": array");
	});
	replace(AP, SymIterator, AP.values);
	function stringsOf(what, arr, conv) {
		var n = len(arr), out = new ArrayCtor(n), total = 0;
		for (var i = 0; i < n; i++) {
			var v = arr[i];
			var s = v === null || v === undefined ? "" : conv(v);
			out[i] = s;
			total += s.length;
			if (total > maxStr) tooLong(what + " result length", total, maxStr);
		}
		return { strings: out, total: total };
	}
	replace(AP, "join", function join(sep) {
		checkLen("Array.prototype.join: array length", this);
		var n = len(this);
		var s = sep === undefined ? "," : StringCtor(sep);
		var r = stringsOf("Array.prototype.join", this, StringCtor);
		checkStr("Array.prototype.join", r.total + (n > 1 ? (n - 1) * s.length : 0));
		return apply(origJoin, r.strings, [s]);
	});
	replace(AP, "toLocaleString", function toLocaleString() {
		checkLen("Array.prototype.toLocaleString: array length", this);
		var r = stringsOf("Array.prototype.toLocaleString", this, function (v) { return StringCtor(v.toLocaleString()); });
		checkStr("Array.prototype.toLocaleString", r.total + len(this));
		return apply(origJoin, r.strings, [","]);
	});
	var origConcat = AP.concat;
	replace(AP, "concat", function concat() {
		var total = len(this);
		for (var i = 0; i < arguments.length; i++) {
			total += isArray(arguments[i]) ? len(arguments[i]) : 1;
		}
		if (total > maxArr) tooLong("Array.prototype.concat result length", total, maxArr);
		return apply(origConcat, this, arguments);
	});
	function flatCount(arr, depth, acc) {
		var n = len(arr);
		for (var i = 0; i < n; i++) {
			var v = arr[i];
			if (depth > 0 && isArray(v)) {
				acc = flatCount(v, depth - 1, acc);
			} else {
				acc++;
			}
			if (acc > maxArr) tooLong("Array.prototype.flat result length", acc, maxArr);
		}
		return acc;
	}
	var origFlat = AP.flat, origFlatMap = AP.flatMap;
	replace(AP, "flat", function flat(depth) {
		checkLen("Array.prototype.flat: array length", this);
		var d = depth === undefined ? 1 : +depth;
		flatCount(this, d !== d ? 0 : d, 0);
		return apply(origFlat, this, arguments);
	});
	replace(AP, "flatMap", function flatMap(fn, thisArg) {
		checkLen("Array.prototype.flatMap: array length", this);
		if (typeof fn !== "function") return apply(origFlatMap, this, arguments);
		var total = 0;
		return apply(origFlatMap, this, [function (v, i, a) {
			var r = apply(fn, this, [v, i, a]);
			total += isArray(r) ? len(r) : 1;
			if (total > maxArr) tooLong("Array.prototype.flatMap result length", total, maxArr);
			return r;
		}, thisArg]);
	});
	var origFrom = Array.from;
	replace(Array, "from", function from(items) {
		if (items !== null && items !== undefined) checkLen("Array.from: source", items);
		return apply(origFrom, this, arguments);
	});

	// Calls with an argument list built from an array.
	function checkArgs(what, args) {
		var n = len(args);
		if (n > maxArgs) tooLong(what + ": argument count", n, maxArgs);
	}
	var origFnApply = Function.prototype.apply;
	replace(Function.prototype, "apply", function (thisArg, args) {
		checkArgs("Function.prototype.apply", args);
		return apply(origFnApply, this, [thisArg, args]);
	});
	var origConstruct = Reflect.construct;
	replace(Reflect, "apply", function (fn, thisArg, args) {
		checkArgs("Reflect.apply", args);
		return apply(fn, thisArg, args);
	});
	replace(Reflect, "construct", function construct(fn, args) {
		checkArgs("Reflect.construct", args);
		return apply(origConstruct, Reflect, arguments);
	});

	// Strings.
	var SP = String.prototype;
	var origRepeat = SP.repeat;
	replace(SP, "repeat", function repeat(count) {
		var s = StringCtor(this), c = +count;
		if (c > 0 && s.length * c > maxStr) tooLong("String.prototype.repeat result length", s.length * floor(c), maxStr);
		return apply(origRepeat, s, [count]);
	});
	["padStart", "padEnd"].forEach(function (name) {
		var orig = SP[name];
		replace(SP, name, {
			[name]: function (maxLength, fill) {
				var n = +maxLength;
				if (n > maxStr) tooLong("String.prototype." + name + " result length", floor(n), maxStr);
				return apply(orig, this, arguments);
			}
		}[name]);
	});
	var origStrConcat = SP.concat;
	replace(SP, "concat", function concat() {
		var total = StringCtor(this).length, args = new ArrayCtor(arguments.length);
		for (var i = 0; i < arguments.length; i++) {
			args[i] = StringCtor(arguments[i]);
			total += args[i].length;
		}
		checkStr("String.prototype.concat", total);
		return apply(origStrConcat, this, args);
	});
	["split", "match", "matchAll"].forEach(function (name) {
		wrapLen(SP, name, "String.prototype." + name + ": string");
	});
	replace(SP, SymIterator, function () {
		checkLen("String iterator: string", this);
		return apply(origStrIter, this, []);
	});

	// replace / replaceAll: a function replacer counts what it returns; a
	// replacement string is bounded from the number of matches and its $
	// patterns ($& and $n add at most the input once per use; $` and $'
	// add up to the whole input per match).
	function countMatches(s, pattern, all) {
		if (pattern !== null && typeof pattern === "object" && typeof pattern.exec === "function") {
			if (!pattern.global) return 1;
			var re = new RegExpCtor(pattern.source, pattern.flags);
			var m = apply(origMatch, s, [re]);
			return m ? m.length : 0;
		}
		if (!all) return 1;
		var p = StringCtor(pattern);
		if (p === "") return s.length + 1;
		return apply(origSplit, s, [p]).length - 1;
	}
	function dollarWeight(repl) {
		var linear = 0, quad = 0;
		for (var i = apply(origIndexOf, repl, ["$"]); i >= 0 && i < repl.length - 1; i = apply(origIndexOf, repl, ["$", i + 1])) {
			var c = repl[i + 1];
			if (c === "&" || (c >= "0" && c <= "9") || c === "<") linear++;
			else if (c === "`" || c === "'") quad++;
		}
		return { linear: linear, quad: quad };
	}
	function guardReplace(name, all) {
		var orig = SP[name];
		replace(SP, name, {
			[name]: function (pattern, replacement) {
				var s = StringCtor(this);
				checkLen("String.prototype." + name + ": string", s);
				if (pattern !== null && typeof pattern === "object" && pattern[SymReplace] === guardedRxReplace) {
					// RegExp.prototype[Symbol.replace] below does the checks.
					return apply(orig, s, [pattern, replacement]);
				}
				if (typeof replacement === "function") {
					var total = s.length;
					return apply(orig, s, [pattern, function () {
						var r = StringCtor(apply(replacement, undefined, arguments));
						total += r.length;
						checkStr("String.prototype." + name, total);
						return r;
					}]);
				}
				var repl = StringCtor(replacement), n = s.length;
				var w = dollarWeight(repl);
				var bound = n + (n + 1) * repl.length + n * w.linear + (n + 1) * n * w.quad;
				if (bound > maxStr) {
					var m = countMatches(s, pattern, all);
					bound = n + m * repl.length + n * w.linear + m * n * w.quad;
					checkStr("String.prototype." + name, bound);
				}
				return apply(orig, s, [pattern, repl]);
			}
		}[name]);
	}
	guardReplace("replace", false);
	guardReplace("replaceAll", true);

	// Direct calls of the RegExp protocol methods take the same checks.
	var RP = RegExp.prototype;
	[Symbol.split, Symbol.match, Symbol.matchAll].forEach(function (sym) {
		var orig = RP[sym];
		replace(RP, sym, function (s) {
			checkLen("RegExp: string", StringCtor(s));
			return apply(orig, this, arguments);
		});
	});
	var origRxReplace = RP[Symbol.replace];
	guardedRxReplace = function (s, replacement) {
		var str = StringCtor(s);
		if (typeof replacement === "function") {
			var total = str.length;
			return apply(origRxReplace, this, [str, function () {
				var r = StringCtor(apply(replacement, undefined, arguments));
				total += r.length;
				checkStr("RegExp replace", total);
				return r;
			}]);
		}
		checkLen("RegExp: string", str);
		var repl = StringCtor(replacement), n = str.length, w = dollarWeight(repl);
		var bound = n + (n + 1) * repl.length + n * w.linear + (n + 1) * n * w.quad;
		if (bound > maxStr) {
			var m = countMatches(str, this, true);
			checkStr("RegExp replace", n + m * repl.length + n * w.linear + m * n * w.quad);
		}
		return apply(origRxReplace, this, [str, repl]);
	};
	replace(RP, SymReplace, guardedRxReplace);

	// The regexp engine gives up a match that backtracks for too long and
	// reports it as no match; every match goes through exec (replacing it
	// makes goja's other RegExp methods call it), which turns that into an
	// error instead of a silently wrong answer.
	// goja's test does not go through exec, so it gets the same wrapper.
	// Patterns Go's regexp runs have no time limit of their own (its time
	// grows with the string's length times the compiled program's length
	// and capture slots, and an interrupt cannot stop a match): a match
	// whose cost, so counted by the host, passes maxRxCost is refused
	// before it starts.
	var now = Date.now, rxSource = getOwnPropertyDescriptor(RP, "source").get,
		rxFlags = getOwnPropertyDescriptor(RP, "flags").get, rxCost = sizes.regexpCost, maxRxCost = sizes.maxRegexpCost;
	function shown(src) {
		return "/" + (src.length > 60 ? src.slice(0, 60) + "…" : src) + "/";
	}
	[["exec", null], ["test", false]].forEach(function (m) {
		var name = m[0], noMatch = m[1], orig = RP[name];
		replace(RP, name, {
			[name]: function (s) {
				var src;
				try {
					src = apply(rxSource, this, []);
				} catch (e) {
					return apply(orig, this, [s]); // not a RegExp: the built-in says so
				}
				var str = StringCtor(s), n = str.length, k = rxCost(src, apply(rxFlags, this, []));
				if (n > 0) {
					if (n * k > maxRxCost) {
						throw new RangeErrorCtor("regular expression " + shown(src) + ": matching it against " + n +
							" characters is too costly for the sandbox (the string's length × the compiled pattern's size, " + k +
							", may be at most " + maxRxCost + ")");
					}
				}
				var t0 = now();
				var r = apply(orig, this, [str]);
				if (r === noMatch && k === 0 && now() - t0 >= rxGiveUpMs) { // regexp2 gave up
					throw new RangeErrorCtor("regular expression " + shown(src) +
						" gave up after " + (now() - t0) + " ms (catastrophic backtracking)");
				}
				return r;
			}
		}[name]);
	});

	// JSON.stringify: a replacer counts the size of what is written: each
	// key and string as quoted (escapes take up to 6 characters), and the
	// indentation of each value at its depth (the depth is followed from the
	// holder of each call: the innermost object still being written).
	var origStringify = JSON.stringify, quotedLen = sizes.quotedLen, isStringObject = sizes.isStringObject;
	replace(JSON, "stringify", function stringify(value, replacer, space) {
		var user = typeof replacer === "function" ? replacer : null;
		var allow = null;
		if (isArray(replacer)) {
			allow = create(null);
			for (var i = 0; i < replacer.length; i++) allow[StringCtor(replacer[i])] = true;
		}
		var pad = typeof space === "number" ? min(10, space) : typeof space === "string" ? min(10, space.length) : 0;
		if (!(pad > 0)) pad = 0;
		var total = 0, open = [], depth = 0;
		return apply(origStringify, JSON, [value, function (key, v) {
			if (user) v = apply(user, this, [key, v]);
			else if (allow && key !== "" && !isArray(this) && !allow[key]) return undefined;
			while (depth > 0 && open[depth - 1] !== this) depth--;
			if (v !== null && typeof v === "object" && isStringObject(v)) v = StringCtor(v); // written as its string
			var t = typeof v;
			total += (depth > 0 && isArray(this) ? 1 : quotedLen(key) + 2) + pad * (depth + 1) * 2 +
				(t === "string" ? quotedLen(v) : t === "number" ? ("" + v).length : t === "boolean" ? 5 : v === null ? 4 : t === "object" ? 2 : 0);
			checkStr("JSON.stringify", total);
			if (v !== null && typeof v === "object") open[depth++] = v;
			return v;
		}, space]);
	});

	// Built-ins whose result can be several times longer than their input
	// (case mapping up to 3x, normalization up to 18x, URI escaping up to
	// 9x, escape 6x): for an input long enough to matter, the host computes
	// the result's length first.
	function guardGrowth(obj, name, factor, size, isMethod) {
		var orig = obj[name];
		if (typeof orig !== "function") return;
		replace(obj, name, {
			[name]: function (a) {
				if (isMethod) {
					if (this === undefined || this === null) return apply(orig, this, arguments);
					var s = StringCtor(this);
					if (s.length > maxStr) tooLong("String.prototype." + name + ": string length", s.length, maxStr);
					if (s.length * factor > maxStr) checkStr("String.prototype." + name, size(s, a));
					return apply(orig, s, arguments);
				}
				var t = a === undefined ? "undefined" : StringCtor(a);
				if (t.length * factor > maxStr) checkStr(name, size(t));
				return apply(orig, this, [t]);
			}
		}[name]);
	}
	var caseLen = sizes.caseLen, normLen = sizes.normLen, uriLen = sizes.uriLen, escapeLen = sizes.escapeLen;
	guardGrowth(SP, "toUpperCase", 3, function (s) { return caseLen(s, true); }, true);
	guardGrowth(SP, "toLocaleUpperCase", 3, function (s) { return caseLen(s, true); }, true);
	guardGrowth(SP, "toLowerCase", 3, function (s) { return caseLen(s, false); }, true);
	guardGrowth(SP, "toLocaleLowerCase", 3, function (s) { return caseLen(s, false); }, true);
	guardGrowth(SP, "normalize", 18, function (s, form) { return normLen(s, form === undefined ? "NFC" : StringCtor(form)); }, true);
	guardGrowth(g, "encodeURI", 9, function (s) { return uriLen(s, false); }, false);
	guardGrowth(g, "encodeURIComponent", 9, function (s) { return uriLen(s, true); }, false);
	guardGrowth(g, "escape", 6, escapeLen, false);

	// String.raw joins its template's raw parts and substitutions natively,
	// as many as raw.length says.
	var origRaw = String.raw;
	replace(String, "raw", function raw(template) {
		if (template === undefined || template === null) return apply(origRaw, String, arguments);
		var r = template.raw;
		if (r === undefined || r === null) return apply(origRaw, String, arguments);
		var n = len(r);
		if (n > maxArr) tooLong("String.raw: raw length", n, maxArr);
		var parts = new ArrayCtor(n), subs = [], total = 0;
		for (var i = 0; i < n; i++) {
			parts[i] = StringCtor(r[i]);
			total += parts[i].length;
			if (i + 1 < n && i + 1 < arguments.length) {
				subs[i] = StringCtor(arguments[i + 1]);
				total += subs[i].length;
			}
			checkStr("String.raw", total);
		}
		return apply(origRaw, String, [{ raw: parts }].concat(subs));
	});

	// Code compiled while the script runs: goja's parser and compiler, and
	// its regular-expression parsers, recurse on the Go stack once per level
	// of nesting, and a stack overflow ends the whole process. The code's
	// size bounds its nesting: eval and the Function constructors take at
	// most maxCode tokens (as the script itself, Compile), a pattern at most
	// maxRx characters (compiling one also costs about 0.5 KB a character
	// in one native step). eval is indirect: it runs in the global scope.
	var getPrototypeOf = Object.getPrototypeOf,
		setPrototypeOf = Object.setPrototypeOf, getOwnPropertySymbols = Object.getOwnPropertySymbols,
		TypeErrorCtor = TypeError;
	function checkCode(what, units) {
		if (units > maxCode) throw new RangeErrorCtor(what + ": the code has more than " + maxCode + " tokens, the sandbox limit");
	}
	var origEval = g.eval;
	replace(g, "eval", {
		eval: function (x) {
			if (typeof x !== "string") return x;
			checkCode("eval", codeUnits(x));
			return apply(origEval, undefined, [x]);
		}
	}.eval);
	function wrapCodeCtor(what, orig, parent) {
		var w = {
			[what]: function () {
				var n = arguments.length, args = new ArrayCtor(n), units = 0;
				for (var i = 0; i < n; i++) {
					args[i] = StringCtor(arguments[i]);
					units += codeUnits(args[i]);
				}
				checkCode(what, units);
				return origConstruct(orig, args, new.target === undefined ? orig : new.target);
			}
		}[what];
		defineProperty(w, "length", { value: 1, writable: false, enumerable: false, configurable: true });
		defineProperty(w, "prototype", { value: orig.prototype, writable: false, enumerable: false, configurable: false });
		if (parent) setPrototypeOf(w, parent);
		defineProperty(orig.prototype, "constructor", { value: w, writable: false, enumerable: false, configurable: true });
		return w;
	}
	var FunctionW = wrapCodeCtor("Function", Function, null);
	replace(g, "Function", FunctionW);
	// Reachable only through their prototypes (and a function's constructor).
	[function () { return function* () {}; }, function () { return async function () {}; },
		function () { return origEval("(async function* () {})"); }].forEach(function (make) {
		var fn;
		try { fn = make(); } catch (e) { return; } // not supported by this goja
		var ctor = getPrototypeOf(fn).constructor;
		wrapCodeCtor(ctor.name || "Function", ctor, FunctionW);
	});

	var origRegExp = RegExp, sourceOf = getOwnPropertyDescriptor(RP, "source").get,
		SymMatch = Symbol.match, SymMatchAll = Symbol.matchAll, SymSearch = Symbol.search, SymSpecies = Symbol.species;
	function checkPattern(what, p) {
		if (p.length > maxRx) tooLong(what + ": pattern length", p.length, maxRx);
	}
	function isGenuine(x) {
		if (x === null || typeof x !== "object" || x === RP) return false;
		try {
			apply(sourceOf, x, []);
			return true;
		} catch (e) {
			return false;
		}
	}
	var RegExpW = {
		RegExp: function (pattern, flags) {
			var nt = new.target === undefined ? origRegExp : new.target;
			var isObj = pattern !== null && (typeof pattern === "object" || typeof pattern === "function");
			var m = isObj ? pattern[SymMatch] : undefined;
			var isRx = m !== undefined ? !!m : isGenuine(pattern);
			if (new.target === undefined && isRx && flags === undefined && pattern.constructor === RegExpW) return pattern;
			if (isGenuine(pattern)) {
				checkPattern("RegExp", apply(sourceOf, pattern, []));
				return origConstruct(origRegExp, [pattern, flags], nt);
			}
			var src = pattern, fl = flags;
			if (isRx) {
				src = pattern.source;
				if (fl === undefined) fl = pattern.flags;
			}
			src = src === undefined ? "" : StringCtor(src);
			if (fl !== undefined) fl = StringCtor(fl);
			checkPattern("RegExp", src);
			return origConstruct(origRegExp, [src, fl], nt);
		}
	}.RegExp;
	getOwnPropertyNames(origRegExp).forEach(function (k) {
		if (k !== "prototype") defineProperty(RegExpW, k, getOwnPropertyDescriptor(origRegExp, k));
	});
	getOwnPropertySymbols(origRegExp).forEach(function (k) {
		defineProperty(RegExpW, k, getOwnPropertyDescriptor(origRegExp, k));
	});
	defineProperty(RegExpW, "prototype", { value: RP, writable: false, enumerable: false, configurable: false });
	replace(RP, "constructor", RegExpW);
	replace(g, "RegExp", RegExpW);
	if (typeof RP.compile === "function") {
		var origCompile = RP.compile;
		replace(RP, "compile", function compile(pattern, flags) {
			if (isGenuine(pattern)) {
				checkPattern("RegExp.prototype.compile", apply(sourceOf, pattern, []));
				return apply(origCompile, this, [pattern, flags]);
			}
			var src = pattern === undefined ? "" : StringCtor(pattern);
			checkPattern("RegExp.prototype.compile", src);
			return apply(origCompile, this, flags === undefined ? [src] : [src, StringCtor(flags)]);
		});
	}
	// match, matchAll and search build a RegExp from a string natively.
	[["match", SymMatch, undefined], ["matchAll", SymMatchAll, "g"], ["search", SymSearch, undefined]].forEach(function (m) {
		var name = m[0], sym = m[1], fl = m[2], orig = SP[name];
		replace(SP, name, {
			[name]: function (rx) {
				if (this === undefined || this === null || isGenuine(rx)) return apply(orig, this, [rx]);
				if (rx !== undefined && rx !== null) {
					var f = rx[sym];
					if (f !== undefined && f !== null) {
						if (typeof f !== "function") throw new TypeErrorCtor("String.prototype." + name + ": the argument's Symbol." + (name === "matchAll" ? "matchAll" : name) + " is not a function");
						return apply(f, rx, [this]);
					}
				}
				var s = StringCtor(this);
				var re = new RegExpW(rx === undefined ? "" : StringCtor(rx), fl);
				return re[sym](s);
			}
		}[name]);
	});

	// describe is the message of a thrown value, "Name: message" for errors.
	// It is returned to the host, which calls it under the call's time and
	// memory limits: reading a message may run the script's own code (a
	// getter, toString, a Proxy trap).
	return function describe(v) {
		if (v !== null && (typeof v === "object" || typeof v === "function")) {
			var msg = v.message, name = v.name;
			if (msg !== undefined) {
				var n = name === undefined ? "" : StringCtor(name);
				return n !== "" ? n + ": " + StringCtor(msg) : StringCtor(msg);
			}
		}
		return StringCtor(v);
	};
})
