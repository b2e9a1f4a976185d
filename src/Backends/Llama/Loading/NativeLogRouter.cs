using System.Text;
using LLama.Native;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agents.Backends.Llama.Loading;

/// <summary>
/// Routes llama.cpp's native log to <see cref="ILogger"/> (never to the console) and keeps the error lines of a
/// load in progress, so a failed load can say why. The callback is installed once per process, before the native
/// library loads when possible.
/// </summary>
/// <remarks>
/// llama.cpp logs synchronously on the thread that calls it, so a per-thread capture buffer holds exactly the
/// lines of the load running on that thread, even when several models load at once.
/// </remarks>
internal static partial class NativeLogRouter
{
    private const int MaxCapturedLines = 32;
    private static readonly Lock s_gate = new();
    private static ILogger s_logger = NullLogger.Instance;
    private static bool s_installed;

    // Kept alive for the process: native code holds a pointer to it.
    private static readonly NativeLogConfig.LLamaLogCallback s_callback = OnNativeLog;

    [ThreadStatic]
    private static CaptureBuffer? t_capture;

    [ThreadStatic]
    private static StringBuilder? t_pending;

    [ThreadStatic]
    private static LLamaLogLevel t_pendingLevel;

    /// <summary>Installs the process-wide callback (once) and points it at <paramref name="loggerFactory"/>'s logger.</summary>
    /// <param name="loggerFactory">Where native log lines go; a factory given later replaces an earlier one.</param>
    public static void EnsureInstalled(ILoggerFactory? loggerFactory)
    {
        lock (s_gate)
        {
            if (loggerFactory is not null)
            {
                s_logger = loggerFactory.CreateLogger("LLama.Native");
            }

            if (s_installed)
            {
                return;
            }

            try
            {
                NativeLibraryConfig.All.WithLogCallback(s_callback);
            }
            catch (InvalidOperationException)
            {
                // Someone else loaded the native library first: set the callback on the loaded library instead.
                NativeLogConfig.llama_log_set(s_callback);
            }

            s_installed = true;
        }
    }

    /// <summary>Starts capturing this thread's native warning and error lines until the returned scope is disposed.</summary>
    /// <returns>The capture, whose <see cref="CaptureBuffer.Describe"/> summarises what went wrong.</returns>
    public static CaptureBuffer BeginCapture()
    {
        var capture = new CaptureBuffer(t_capture);
        t_capture = capture;
        return capture;
    }

    private static void OnNativeLog(LLamaLogLevel level, string message)
    {
        // An exception must never unwind into native code: that would take the process down.
        try
        {
            Route(level, message);
        }
#pragma warning disable CA1031 // Anything a logger throws (e.g. a disposed provider at shutdown) is dropped here.
        catch (Exception)
#pragma warning restore CA1031
        {
            t_pending?.Clear();
        }
    }

    private static void Route(LLamaLogLevel level, string message)
    {
        // llama.cpp sends long lines in pieces: "Continue" extends the previous line, and a line ends with '\n'.
        var pending = t_pending ??= new StringBuilder();
        if (level != LLamaLogLevel.Continue)
        {
            t_pendingLevel = level;
        }

        pending.Append(message);
        if (!message.EndsWith('\n'))
        {
            return;
        }

        var line = pending.ToString().TrimEnd();
        pending.Clear();
        if (line.Length == 0)
        {
            return;
        }

        var effective = t_pendingLevel;
        t_capture?.Add(effective, line);
        var logger = s_logger;
        switch (effective)
        {
            case LLamaLogLevel.Error:
                LogNativeError(logger, line);
                break;
            case LLamaLogLevel.Warning:
                LogNativeWarning(logger, line);
                break;
            case LLamaLogLevel.Info:
                LogNativeInfo(logger, line);
                break;
            default:
                LogNativeDebug(logger, line);
                break;
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "llama.cpp: {Line}")]
    private static partial void LogNativeError(ILogger logger, string line);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "llama.cpp: {Line}")]
    private static partial void LogNativeWarning(ILogger logger, string line);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "llama.cpp: {Line}")]
    private static partial void LogNativeInfo(ILogger logger, string line);

    [LoggerMessage(EventId = 4, Level = LogLevel.Trace, Message = "llama.cpp: {Line}")]
    private static partial void LogNativeDebug(ILogger logger, string line);

    /// <summary>The warning and error lines llama.cpp logged on one thread during a capture.</summary>
    internal sealed class CaptureBuffer : IDisposable
    {
        private readonly CaptureBuffer? _outer;
        private readonly List<string> _errors = [];
        private readonly List<string> _warnings = [];

        public CaptureBuffer(CaptureBuffer? outer) => _outer = outer;

        public void Add(LLamaLogLevel level, string line)
        {
            var list = level switch
            {
                LLamaLogLevel.Error => _errors,
                LLamaLogLevel.Warning => _warnings,
                _ => null,
            };
            if (list is not null && list.Count < MaxCapturedLines)
            {
                list.Add(line);
            }
        }

        /// <summary>Gets whether llama.cpp logged an error during the capture.</summary>
        public bool HasErrors => _errors.Count > 0;

        /// <summary>Summarises the captured lines: errors first, else warnings, else <paramref name="fallback"/>.</summary>
        /// <param name="fallback">What to say when llama.cpp logged nothing useful.</param>
        /// <returns>A one-paragraph reason.</returns>
        public string Describe(string fallback)
        {
            var lines = _errors.Count > 0 ? _errors : _warnings;
            return lines.Count == 0 ? fallback : string.Join(" | ", lines.Distinct(StringComparer.Ordinal));
        }

        public void Dispose() => t_capture = _outer;
    }
}
