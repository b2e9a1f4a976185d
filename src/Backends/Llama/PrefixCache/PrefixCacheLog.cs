using Microsoft.Extensions.Logging;

namespace Agents.Backends.Llama.PrefixCache;

/// <summary>The prefix cache's log messages.</summary>
internal static partial class PrefixCacheLog
{
    [LoggerMessage(EventId = 600, Level = LogLevel.Warning, Message = "Ignoring prefix state file {Path}: {Reason}; {Action}")]
    public static partial void StateFileIgnored(ILogger logger, string path, string reason, string action);

    [LoggerMessage(EventId = 601, Level = LogLevel.Warning, Message = "Could not write prefix state file {Path}")]
    public static partial void StateFileWriteFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 602, Level = LogLevel.Warning, Message = "llama.cpp refused a cached prefix state of {Tokens} tokens; it was dropped and the prompt is evaluated in full")]
    public static partial void RestoreFailed(ILogger logger, int tokens);

    [LoggerMessage(EventId = 603, Level = LogLevel.Debug, Message = "Prefix cache in scope {Scope}: reused {Reused} of {Total} prompt tokens")]
    public static partial void LookedUp(ILogger logger, PrefixScope scope, int reused, int total);

    [LoggerMessage(EventId = 604, Level = LogLevel.Information, Message = "Prefix cache disk tier {Directory}: {Files} state files ({Bytes} bytes) kept, {Removed} removed on start")]
    public static partial void DiskTierOpened(ILogger logger, string directory, int files, long bytes, int removed);
}
