namespace Commerce.Catalog.Domain;

public sealed class Brand
{
    public int Id { get; set; }
    public required string Name { get; set; }
}

public sealed class Category
{
    public int Id { get; set; }
    public required string Name { get; set; }
}
