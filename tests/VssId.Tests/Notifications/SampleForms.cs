using VssId.Modules.Notifications.Contracts;

namespace VssId.Tests.Notifications;

public static class SampleForms
{
    public static DeclarationFormV1 Adult(Guid? id = null, string fullName = "Nguyễn Văn An") => new(
        id ?? Guid.NewGuid(), DeclarationFormKinds.Adult, "00123-20261125-000042", new DateOnly(2026, 11, 25), "BHXH Huyện Chương Mỹ", "Hà Nội",
        new DeclarantV1(fullName, new DateOnly(1990, 3, 15), "Nam", "0120169123", "CCCD", "079090001234",
            "Số 12 ngõ 34 đường Phạm Văn Đồng, Phường Minh Khai, Quận Bắc Từ Liêm, Thành phố Hà Nội"),
        null, "0352153123", "an.nguyen@example.vn");

    public static DeclarationFormV1 Child(Guid? id = null) => new(
        id ?? Guid.NewGuid(), DeclarationFormKinds.Child, "00123-20261125-000043", new DateOnly(2026, 11, 25), "BHXH Huyện Chương Mỹ", "Hà Nội",
        new DeclarantV1("Nguyễn Thị Hồng Ngọc", new DateOnly(2016, 9, 2), "Nữ", "0120169456", null, null,
            "Số 12 ngõ 34 đường Phạm Văn Đồng, Phường Minh Khai, Quận Bắc Từ Liêm, Thành phố Hà Nội"),
        new GuardianV1("Nguyễn Văn An", "0120169123", "079090001234", "Cha", "0352153123"), "0352153123", null);
}
