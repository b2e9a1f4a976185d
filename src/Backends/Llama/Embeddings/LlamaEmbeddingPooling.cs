namespace Agents.Backends.Llama;

/// <summary>How the per-token hidden states of an input become one embedding vector.</summary>
public enum LlamaEmbeddingPooling
{
    /// <summary>The mean over every token: the usual choice for decoder-only models.</summary>
    Mean,

    /// <summary>The first token's state (the BOS/CLS position): for models trained to summarise there.</summary>
    Cls,

    /// <summary>The last token's state: for decoder-only embedding models trained with last-token pooling.</summary>
    Last,
}
