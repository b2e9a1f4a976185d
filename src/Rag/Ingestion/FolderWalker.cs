namespace Agents.Rag;

/// <summary>
/// Lists the files under a folder, never following a symbolic link (so nothing outside the folder is ever read),
/// and reporting links and unreadable folders instead of failing.
/// </summary>
internal static class FolderWalker
{
    /// <summary>Lists the files under <paramref name="root"/>.</summary>
    /// <param name="root">The folder, a full path.</param>
    /// <param name="include">The globs a file must match (none: every file).</param>
    /// <param name="exclude">The globs of entries never listed.</param>
    /// <param name="cancellationToken">Checked between folders.</param>
    /// <param name="list">Lists one folder; the file system's listing by default (tests make it fail).</param>
    /// <returns>
    /// The files to ingest; the entries passed over, with reasons; and the folders that could not be listed (relative,
    /// <c>.</c> for the root itself), whose stored files must not be taken for removed.
    /// </returns>
    public static (List<(string FullPath, string Source)> Files, List<SkippedFile> Skipped, List<string> UnlistedFolders) Walk(
        string root,
        IReadOnlyList<GlobPattern> include,
        IReadOnlyList<GlobPattern> exclude,
        CancellationToken cancellationToken,
        Func<DirectoryInfo, IEnumerable<FileSystemInfo>>? list = null)
    {
        list ??= static directory => directory.EnumerateFileSystemInfos();
        var files = new List<(string, string)>();
        var skipped = new List<SkippedFile>();
        var unlisted = new List<string>();
        var pending = new Stack<DirectoryInfo>();
        pending.Push(new DirectoryInfo(root));
        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var directory = pending.Pop();
            IEnumerable<FileSystemInfo> entries;
            try
            {
                entries = list(directory).OrderBy(e => e.Name, StringComparer.Ordinal).ToList();
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                var relative = Relative(root, directory.FullName);
                skipped.Add(new SkippedFile(relative + "/", $"unreadable folder: {exception.Message}"));
                unlisted.Add(relative);
                continue;
            }

            foreach (var entry in entries)
            {
                var source = Relative(root, entry.FullName);
                var isDirectory = entry is DirectoryInfo;
                if (exclude.Any(g => g.IsMatch(isDirectory ? source + "/" : source) || (isDirectory && g.IsMatch(source + "/_"))))
                {
                    continue;
                }

                if (entry.LinkTarget is not null)
                {
                    skipped.Add(new SkippedFile(source, LinkReason(root, entry)));
                    continue;
                }

                if (isDirectory)
                {
                    pending.Push((DirectoryInfo)entry);
                }
                else if (include.Count == 0 || include.Any(g => g.IsMatch(source)))
                {
                    files.Add((entry.FullName, source));
                }
            }
        }

        files.Sort((a, b) => string.CompareOrdinal(a.Item2, b.Item2));
        return (files, skipped, unlisted);
    }

    /// <summary>Gets whether <paramref name="source"/> lies under one of <paramref name="folders"/> (as <see cref="Walk"/> reports them).</summary>
    public static bool IsUnder(string source, IReadOnlyList<string> folders) =>
        folders.Any(f => f == "." || source.StartsWith(f + "/", StringComparison.Ordinal));

    public static string Relative(string root, string fullPath) =>
        Path.GetRelativePath(root, fullPath).Replace(Path.DirectorySeparatorChar, '/');

    private static string LinkReason(string root, FileSystemInfo link)
    {
        FileSystemInfo? target;
        try
        {
            target = link.ResolveLinkTarget(returnFinalTarget: true);
        }
        catch (IOException)
        {
            target = null;
        }

        var inside = target is not null
            && target.FullName.StartsWith(Path.TrimEndingDirectorySeparator(root) + Path.DirectorySeparatorChar, StringComparison.Ordinal);
        return inside
            ? "symbolic link: not followed (its target inside the folder is ingested directly)"
            : "symbolic link to outside the folder: not followed";
    }
}
