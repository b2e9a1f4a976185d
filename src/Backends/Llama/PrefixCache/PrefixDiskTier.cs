using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace Agents.Backends.Llama.PrefixCache;

/// <summary>
/// The optional second tier of the prefix cache: state files in one folder (see <see cref="PrefixStateFile"/>).
/// Which files to keep within the budget is decided by <see cref="TokenPrefixCache"/>, which knows their recency.
/// </summary>
/// <param name="directory">The folder; created when missing.</param>
/// <param name="modelIdentity">The 32-byte identity of the model and context configuration that states belong to.</param>
/// <param name="logger">Receives a warning for every file ignored.</param>
internal sealed class PrefixDiskTier(string directory, byte[] modelIdentity, ILogger logger)
{
    public string Directory { get; } = Path.GetFullPath(directory);

    /// <summary>
    /// Cleans the folder on start: deletes half-written temporary files and unreadable, truncated or corrupted state
    /// files; leaves files of other models alone (with a warning) and returns the sound ones of this model.
    /// </summary>
    public IReadOnlyList<RecoveredFile> Open()
    {
        System.IO.Directory.CreateDirectory(Directory);
        var removed = 0;
        foreach (var temporary in System.IO.Directory.EnumerateFiles(Directory, "*" + PrefixStateFile.TemporaryExtension))
        {
            PrefixCacheLog.StateFileIgnored(logger, temporary, "it is a half-written temporary file", "deleted");
            TryDelete(temporary);
            removed++;
        }

        var recovered = new List<RecoveredFile>();
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, "*" + PrefixStateFile.Extension))
        {
            bool sound;
            PrefixScope scope;
            int[] tokens;
            string reason;
            var foreign = false;
            try
            {
                sound = PrefixStateFile.TryReadIndex(path, modelIdentity, out scope, out tokens, out reason, out foreign);
            }
            catch (IOException ex)
            {
                (sound, scope, tokens, reason) = (false, default, [], ex.Message);
            }

            if (sound)
            {
                recovered.Add(new RecoveredFile(path, scope, tokens, new FileInfo(path).Length, File.GetLastWriteTimeUtc(path)));
            }
            else if (foreign)
            {
                PrefixCacheLog.StateFileIgnored(logger, path, reason, "left in place");
            }
            else
            {
                PrefixCacheLog.StateFileIgnored(logger, path, reason, "deleted");
                TryDelete(path);
                removed++;
            }
        }

        recovered.Sort((a, b) => a.LastWriteUtc.CompareTo(b.LastWriteUtc));
        var keptBytes = recovered.Sum(f => f.SizeInBytes);
        PrefixCacheLog.DiskTierOpened(logger, Directory, recovered.Count, keptBytes, removed);
        return recovered;
    }

    /// <summary>Writes a state; returns its path and size, or <see langword="null"/> (logged) when the write failed.</summary>
    public (string Path, long Size)? TryWrite(PrefixScope scope, ReadOnlySpan<int> tokens, ReadOnlySpan<byte> payload)
    {
        var path = PathFor(scope, tokens);
        try
        {
            return (path, PrefixStateFile.Write(path, modelIdentity, scope, tokens, payload));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            PrefixCacheLog.StateFileWriteFailed(logger, path, ex);
            return null;
        }
    }

    /// <summary>Reads a state back; a file that fails any check is logged, deleted and never returned.</summary>
    public byte[]? TryRead(string path, PrefixScope scope, ReadOnlySpan<int> tokens)
    {
        string reason;
        try
        {
            if (PrefixStateFile.TryRead(path, modelIdentity, scope, tokens, out var payload, out reason))
            {
                return payload;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            reason = ex.Message;
        }

        PrefixCacheLog.StateFileIgnored(logger, path, reason, "deleted");
        TryDelete(path);
        return null;
    }

    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: a file that cannot be deleted now is cleaned on the next start.
        }
    }

    private string PathFor(PrefixScope scope, ReadOnlySpan<int> tokens)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> scopeHash = stackalloc byte[32];
        scope.WriteHash(scopeHash);
        hash.AppendData(scopeHash);
        hash.AppendData(MemoryMarshal.AsBytes(tokens));
        return Path.Combine(Directory, Convert.ToHexStringLower(hash.GetHashAndReset())[..40] + PrefixStateFile.Extension);
    }

    /// <summary>A sound state file found on start.</summary>
    internal sealed record RecoveredFile(string Path, PrefixScope Scope, int[] Tokens, long SizeInBytes, DateTime LastWriteUtc);
}
