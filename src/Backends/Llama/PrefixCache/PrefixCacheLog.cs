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

    [LoggerMessage(EventId = 604, Level = LogLevel.Information, Message = "Prefix cache disk tier {Directory} (identity {Identity}): {Files} state files ({Bytes} bytes) kept, {Removed} removed on start, {Others} files of other models, adapters, settings or formats left alone")]
    public static partial void DiskTierOpened(ILogger logger, string directory, string identity, int files, long bytes, int removed, int others);

    [LoggerMessage(EventId = 605, Level = LogLevel.Warning, Message = "Prefix cache disk tier {Directory} is open to other users (mode {Mode}); it is used as it is. State files are created 0600, but other users can see their names and sizes, and delete or plant files if the folder is writable: make it owner-only (chmod 700)")]
    public static partial void DiskTierFolderOpenToOthers(ILogger logger, string directory, string mode);
}
