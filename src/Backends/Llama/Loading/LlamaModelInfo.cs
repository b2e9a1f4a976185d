namespace Agents.Backends.Llama;

/// <summary>What a loaded GGUF model is: read from its metadata once, at load.</summary>
/// <param name="Path">The model file's full path.</param>
/// <param name="Name">The model's <c>general.name</c>, when its metadata has one.</param>
/// <param name="Architecture">The architecture (<c>general.architecture</c>), e.g. "llama".</param>
/// <param name="ParameterCount">The number of parameters.</param>
/// <param name="FileType">The quantization or file type (<c>general.file_type</c>), e.g. "F16", "Q8_0", "Q4_K_M".</param>
/// <param name="TrainedContextLength">The context length the model was trained with, in tokens.</param>
/// <param name="VocabularySize">The number of tokens in the vocabulary.</param>
/// <param name="EmbeddingSize">The width of the model's embeddings.</param>
/// <param name="HasChatTemplate">Whether the metadata carries a chat template (<c>tokenizer.chat_template</c>).</param>
/// <param name="FileSizeBytes">The size of the file in bytes.</param>
public sealed record LlamaModelInfo(
    string Path,
    string? Name,
    string Architecture,
    long ParameterCount,
    string FileType,
    int TrainedContextLength,
    int VocabularySize,
    int EmbeddingSize,
    bool HasChatTemplate,
    long FileSizeBytes);
