namespace Agents.Rag;

/// <summary>
/// Lists the files under a folder, never following a symbolic link (so nothing outside the folder is ever read),
/// and reporting links and unreadable folders instead of failing.
/// </summary>
internal static class FolderWalker
{
    public static (List<(string FullPath, string Source)> Files, List<SkippedFile> Skipped) Walk(
        string root, IReadOnlyList<GlobPattern> include, IReadOnlyList<GlobPattern> exclude, CancellationToken cancellationToken)
    {
        var files = new List<(string, string)>();
        var skipped = new List<SkippedFile>();
        var pending = new Stack<DirectoryInfo>();
        pending.Push(new DirectoryInfo(root));
        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var directory = pending.Pop();
            IEnumerable<FileSystemInfo> entries;
            try
            {
                entries = directory.EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal).ToList();
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                skipped.Add(new SkippedFile(Relative(root, directory.FullName) + "/", $"unreadable folder: {exception.Message}"));
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
        return (files, skipped);
    }

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
