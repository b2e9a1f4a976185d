using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace Agents.Backends.Llama.PrefixCache;

/// <summary>
/// The optional second tier of the prefix cache: state files in one folder (see <see cref="PrefixStateFile"/>).
/// Which files to keep within the budget is decided by <see cref="TokenPrefixCache"/>, which knows their recency.
/// </summary>
/// <remarks>
/// <para>
/// <b>Sharing a folder.</b> Every file is named <c>&lt;identity&gt;-&lt;hash&gt;.kvstate</c>, where the identity is
/// <see cref="PrefixCacheIdentity.NamePrefix"/> and the hash covers the whole identity, the scope and the tokens, so
/// generators of different models, quantizations, LoRA adapters or settings never write the same name. A temporary
/// file is <c>&lt;final name&gt;.&lt;process id&gt;-&lt;random&gt;.kvstate.tmp</c>, unique per write. A tier reads,
/// evicts and deletes only files that start with its own identity, and deletes a temporary file of its identity
/// only once it is older than <see cref="StaleTemporaryAge"/> (a write in progress, by this process or another one
/// of the same identity, is never removed).
/// </para>
/// <para>
/// <b>Permissions.</b> On Unix a missing folder is created owner-only (0700; missing parent folders get the default
/// mode, which the owner-only folder makes harmless) and every file owner-only (0600). An existing folder is used as it is, never changed: when it grants group or other users any
/// access a warning says so (the files stay 0600, but its names and sizes are visible and, when it is writable,
/// other users can delete or plant files). On Windows files inherit the folder's ACL.
/// </para>
/// </remarks>
/// <param name="directory">The folder; created when missing.</param>
/// <param name="identity">The identity of the model, adapters and context settings that states belong to.</param>
/// <param name="logger">Receives a warning for every file ignored.</param>
internal sealed class PrefixDiskTier(string directory, PrefixCacheIdentity identity, ILogger logger)
{
    /// <summary>How old a temporary file of this identity must be before it counts as left by a crash and is deleted.</summary>
    public static readonly TimeSpan StaleTemporaryAge = TimeSpan.FromMinutes(10);

    public string Directory { get; } = Path.GetFullPath(directory);

    /// <summary>Gets the identity whose files this tier owns.</summary>
    public PrefixCacheIdentity Identity { get; } = identity;

    /// <summary>
    /// Prepares the folder on start: creates it (owner-only on Unix) or warns when an existing one is open to others;
    /// deletes this identity's stale temporary files and its unreadable, truncated or corrupted state files; leaves
    /// every file of another identity alone, and returns the sound ones of this identity.
    /// </summary>
    public IReadOnlyList<RecoveredFile> Open()
    {
        PrepareDirectory();
        var removed = 0;
        var others = 0;
        var ownPrefix = Identity.NamePrefix + "-";
        foreach (var temporary in System.IO.Directory.EnumerateFiles(Directory, "*" + PrefixStateFile.TemporaryExtension))
        {
            if (!Path.GetFileName(temporary).StartsWith(ownPrefix, StringComparison.Ordinal))
            {
                others++;
            }
            else if (DateTime.UtcNow - File.GetLastWriteTimeUtc(temporary) > StaleTemporaryAge)
            {
                PrefixCacheLog.StateFileIgnored(logger, temporary, "it is a temporary file left by an interrupted write", "deleted");
                TryDelete(temporary);
                removed++;
            }
        }

        var recovered = new List<RecoveredFile>();
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, "*" + PrefixStateFile.Extension))
        {
            if (!Path.GetFileName(path).StartsWith(ownPrefix, StringComparison.Ordinal))
            {
                // Another model's, adapters', settings' or an older format's file: not ours to read, evict or delete.
                others++;
                continue;
            }

            bool sound;
            PrefixScope scope;
            int[] tokens;
            string reason;
            var foreign = false;
            try
            {
                sound = PrefixStateFile.TryReadIndex(path, Identity, out scope, out tokens, out reason, out foreign);
                if (foreign && !PrefixStateFile.IsIntact(path))
                {
                    // Named as ours but neither ours nor anyone's whole file: a damaged header.
                    (foreign, reason) = (false, reason + ", and its checksum does not match (corrupted)");
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Unreadable under this identity's name (gone meanwhile, or another user's 0600 file): not usable.
                (sound, scope, tokens, reason) = (false, default, [], ex.Message);
            }

            if (sound)
            {
                recovered.Add(new RecoveredFile(path, scope, tokens, new FileInfo(path).Length, File.GetLastWriteTimeUtc(path)));
            }
            else if (foreign)
            {
                PrefixCacheLog.StateFileIgnored(logger, path, reason, "left in place");
                others++;
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
        PrefixCacheLog.DiskTierOpened(logger, Directory, Identity.NamePrefix, recovered.Count, keptBytes, removed, others);
        return recovered;
    }

    /// <summary>Writes a state; returns its path and size, or <see langword="null"/> (logged) when the write failed.</summary>
    public (string Path, long Size)? TryWrite(PrefixScope scope, ReadOnlySpan<int> tokens, ReadOnlySpan<byte> payload)
    {
        var path = PathFor(scope, tokens);
        try
        {
            return (path, PrefixStateFile.Write(path, TemporaryPathFor(path), Identity, scope, tokens, payload));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            PrefixCacheLog.StateFileWriteFailed(logger, path, ex);
            return null;
        }
    }

    /// <summary>
    /// Reads a state back; a file that fails any check is logged and never returned. It is deleted, unless it is a
    /// whole file of another identity.
    /// </summary>
    public byte[]? TryRead(string path, PrefixScope scope, ReadOnlySpan<int> tokens)
    {
        string reason;
        var foreign = false;
        try
        {
            if (PrefixStateFile.TryRead(path, Identity, scope, tokens, out var payload, out reason, out foreign))
            {
                return payload;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            reason = ex.Message;
        }

        if (foreign)
        {
            PrefixCacheLog.StateFileIgnored(logger, path, reason, "left in place");
            return null;
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

    /// <summary>The final name of the state of <paramref name="tokens"/> in <paramref name="scope"/>: identity prefix, then a hash of identity, scope and tokens.</summary>
    internal string PathFor(PrefixScope scope, ReadOnlySpan<int> tokens)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Identity.Key);
        Span<byte> scopeHash = stackalloc byte[32];
        scope.WriteHash(scopeHash);
        hash.AppendData(scopeHash);
        hash.AppendData(MemoryMarshal.AsBytes(tokens));
        var name = Identity.NamePrefix + "-" + Convert.ToHexStringLower(hash.GetHashAndReset())[..40];
        return Path.Combine(Directory, name + PrefixStateFile.Extension);
    }

    /// <summary>A temporary name for one write of <paramref name="path"/>, unique per writer: the final name, the process id and 64 random bits.</summary>
    internal static string TemporaryPathFor(string path)
    {
        var random = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var stem = path[..^PrefixStateFile.Extension.Length];
        return string.Create(CultureInfo.InvariantCulture, $"{stem}.{Environment.ProcessId}-{random}{PrefixStateFile.TemporaryExtension}");
    }

    private void PrepareDirectory()
    {
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(Directory);
            return;
        }

        if (!System.IO.Directory.Exists(Directory))
        {
            // Only the folder itself gets the mode (.NET creates missing parents with the default one); umask can only
            // take more away.
            System.IO.Directory.CreateDirectory(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        // A folder that already existed (or was created by someone else in between) is the user's: warn, never chmod it.
        var mode = File.GetUnixFileMode(Directory);
        if ((mode & PrefixStateFile.GroupOrOther) != 0)
        {
            PrefixCacheLog.DiskTierFolderOpenToOthers(logger, Directory, Convert.ToString((int)mode, 8));
        }
    }

    /// <summary>A sound state file found on start.</summary>
    internal sealed record RecoveredFile(string Path, PrefixScope Scope, int[] Tokens, long SizeInBytes, DateTime LastWriteUtc);
}
