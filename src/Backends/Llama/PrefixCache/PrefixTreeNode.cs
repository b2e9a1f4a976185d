namespace Agents.Backends.Llama.PrefixCache;

/// <summary>
/// A node of one scope's radix tree: the edge from its parent is a run of token ids, so the path from the root spells
/// a prefix of <see cref="Depth"/> tokens. A node may hold the KV state of exactly that prefix, in memory or on disk.
/// </summary>
/// <remarks>Only touched under the owning cache's lock.</remarks>
internal sealed class PrefixTreeNode
{
    public PrefixTreeNode(string scopeId, PrefixTreeNode? parent, int[] edge)
    {
        ScopeId = scopeId;
        Parent = parent;
        Edge = edge;
        Depth = (parent?.Depth ?? 0) + edge.Length;
    }

    public string ScopeId { get; }

    public PrefixTreeNode? Parent { get; set; }

    /// <summary>Gets or sets the tokens on the edge from <see cref="Parent"/> to this node.</summary>
    public int[] Edge { get; set; }

    /// <summary>Gets how many tokens the path from the root to this node spells (unchanged when edges split or merge).</summary>
    public int Depth { get; }

    /// <summary>Gets the children, keyed by the first token of their edge.</summary>
    public Dictionary<int, PrefixTreeNode> Children { get; } = [];

    /// <summary>Gets or sets the in-memory state of this node's prefix, when any.</summary>
    public IPrefixStatePayload? State { get; set; }

    /// <summary>Gets or sets the disk tier's file holding this node's prefix state, when any.</summary>
    public string? DiskFile { get; set; }

    /// <summary>Gets or sets the size of <see cref="DiskFile"/>.</summary>
    public long DiskBytes { get; set; }

    /// <summary>Gets or sets the logical time this node's subtree was last used (never older than any descendant's).</summary>
    public long LastUsed { get; set; }

    public bool HasEntry => State is not null || DiskFile is not null;

    /// <summary>Returns the tokens of the path from the root to this node.</summary>
    public int[] PathTokens()
    {
        var tokens = new int[Depth];
        for (var node = this; node.Parent is not null; node = node.Parent)
        {
            node.Edge.CopyTo(tokens, node.Depth - node.Edge.Length);
        }

        return tokens;
    }

    public IEnumerable<PrefixTreeNode> DescendantsAndSelf()
    {
        var stack = new Stack<PrefixTreeNode>();
        stack.Push(this);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            yield return node;
            foreach (var child in node.Children.Values)
            {
                stack.Push(child);
            }
        }
    }
}
