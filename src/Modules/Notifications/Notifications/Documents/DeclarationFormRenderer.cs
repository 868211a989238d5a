using System.Globalization;
using PdfSharp.Drawing;
using PdfSharp.Drawing.Layout;
using PdfSharp.Pdf;
using QRCoder;
using VssId.Modules.Notifications.Contracts;

namespace VssId.Modules.Notifications.Documents;

/// <summary>
/// Draws Mẫu 01 on one A4 page. The official layout was not available: this follows its known parts
/// (../shared/spec/mau-01.md), and every position lives in this one class so it is easy to align with the
/// official scan later. The output depends only on the form and the URL: the same application always
/// yields the same page.
/// </summary>
internal static class DeclarationFormRenderer
{
    private const double Left = 57;
    private const double Width = 481;
    private static readonly XPdfFontOptions Embedding = new(PdfFontEncoding.Unicode, PdfFontEmbedding.EmbedCompleteFontFile);
    private static readonly CultureInfo Vietnamese = CultureInfo.GetCultureInfo("vi-VN");

    public static byte[] Render(DeclarationFormV1 form, string verificationUrl)
    {
        FontResolver.Install();
        var regular = new XFont(FontResolver.Family, 10.5, XFontStyleEx.Regular, Embedding);
        var small = new XFont(FontResolver.Family, 8.5, XFontStyleEx.Regular, Embedding);
        var bold = new XFont(FontResolver.Family, 10.5, XFontStyleEx.Bold, Embedding);
        var heading = new XFont(FontResolver.Family, 12, XFontStyleEx.Bold, Embedding);
        var title = new XFont(FontResolver.Family, 15, XFontStyleEx.Bold, Embedding);

        using var document = new PdfDocument();
        // No identity number in the metadata: it belongs on the page only.
        document.Info.Title = "Tờ khai Mẫu số 01";
        document.Info.Author = "VssID — Bảo hiểm xã hội số";
        document.Info.Creator = "VssId";
        document.Info.CreationDate = form.SubmittedOn.ToDateTime(TimeOnly.MinValue);
        document.Info.ModificationDate = form.SubmittedOn.ToDateTime(TimeOnly.MinValue);
        var page = document.AddPage();
        page.Width = XUnit.FromPoint(595.28);
        page.Height = XUnit.FromPoint(841.89);
        using var gfx = XGraphics.FromPdfPage(page);
        var text = new XTextFormatter(gfx);

        gfx.DrawString("Mẫu số 01", bold, XBrushes.Black, new XRect(Left, 36, Width, 14), XStringFormats.TopRight);
        Centered(gfx, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", heading, 58);
        Centered(gfx, "Độc lập - Tự do - Hạnh phúc", bold, 76);
        gfx.DrawLine(new XPen(XColors.Black, 0.6), Left + Width / 2 - 80, 92, Left + Width / 2 + 80, 92);

        Centered(gfx, "TỜ KHAI", title, 112);
        text.Alignment = XParagraphAlignment.Center;
        text.DrawString("Đăng ký sử dụng, điều chỉnh thông tin và ngừng sử dụng phương thức giao dịch điện tử trong lĩnh vực bảo hiểm xã hội",
            bold, XBrushes.Black, new XRect(Left + 30, 134, Width - 60, 30), XStringFormats.TopLeft);
        Centered(gfx, $"Kính gửi: Bảo hiểm xã hội {OfficeWithoutPrefix(form.OfficeName)}", regular, 172);

        var y = 200.0;
        y = Section(gfx, "I. Thông tin người đăng ký", heading, y);
        var d = form.Declarant;
        y = Row(gfx, "Họ và tên:", d.FullName, regular, bold, y);
        y = Row(gfx, "Ngày sinh:", d.DateOfBirth.ToString("dd/MM/yyyy", Vietnamese), regular, regular, y);
        y = Row(gfx, "Giới tính:", d.Gender, regular, regular, y);
        y = Row(gfx, "Mã số BHXH:", d.BhxhCode, regular, regular, y);
        y = Row(gfx, "Số CCCD/CMND/Hộ chiếu:", d.IdentityNumber is null ? "Chưa có" : $"{d.IdentityNumber} ({d.IdentityDocumentKind})", regular, regular, y);
        y = Row(gfx, "Địa chỉ liên hệ:", d.AddressLine, regular, regular, y, text);
        y = Row(gfx, "Số điện thoại:", form.Phone, regular, regular, y);
        y = Row(gfx, "Email:", form.Email ?? "", regular, regular, y);

        if (form.Guardian is { } g)
        {
            y = Section(gfx, "II. Thông tin người giám hộ", heading, y + 6);
            y = Row(gfx, "Họ và tên:", g.FullName, regular, bold, y);
            y = Row(gfx, "Mã số BHXH:", g.BhxhCode, regular, regular, y);
            y = Row(gfx, "Số CCCD:", g.IdentityNumber, regular, regular, y);
            y = Row(gfx, "Quan hệ với người đăng ký:", g.Relationship, regular, regular, y);
            y = Row(gfx, "Số điện thoại:", g.Phone, regular, regular, y);
        }

        y = Section(gfx, form.Guardian is null ? "II. Nội dung đăng ký" : "III. Nội dung đăng ký", heading, y + 6);
        gfx.DrawString("☒ Đăng ký sử dụng        ☐ Điều chỉnh thông tin", regular, XBrushes.Black, new XRect(Left + 10, y, Width - 10, 14), XStringFormats.TopLeft);
        gfx.DrawString("☐ Ngừng sử dụng phương thức giao dịch điện tử", regular, XBrushes.Black, new XRect(Left + 10, y + 16, Width - 10, 14), XStringFormats.TopLeft);
        y += 36;
        y = Row(gfx, "Số điện thoại nhận mật khẩu/OTP:", form.Guardian?.Phone ?? form.Phone, regular, regular, y);
        y = Row(gfx, "Email nhận thông báo:", form.Email ?? "", regular, regular, y);

        text.Alignment = XParagraphAlignment.Justify;
        text.DrawString("Tôi cam kết những thông tin kê khai trên là đúng sự thật và chịu trách nhiệm trước pháp luật về nội dung đã kê khai.",
            regular, XBrushes.Black, new XRect(Left, y + 10, Width, 30), XStringFormats.TopLeft);
        y += 52;

        var signX = Left + Width / 2;
        var signWidth = Width / 2;
        CenteredIn(gfx, $"{form.ProvinceName}, ngày ..... tháng ..... năm .........", regular, signX, signWidth, y);
        CenteredIn(gfx, form.Guardian is null ? "NGƯỜI KÊ KHAI" : "CHA/MẸ/NGƯỜI GIÁM HỘ", bold, signX, signWidth, y + 18);
        CenteredIn(gfx, "(Ký, ghi rõ họ tên)", small, signX, signWidth, y + 34);
        // Footer: application number, date, and the QR that proves the form authentic.
        const double qrSize = 84;
        var footerTop = 841.89 - 40 - qrSize;
        // Room to sign above the name; the child's form is longer (the guardian's section), so the name stops
        // above the footer rather than run into the QR code.
        CenteredIn(gfx, form.Guardian?.FullName ?? d.FullName, bold, signX, signWidth, Math.Min(y + 100, footerTop - 30));
        gfx.DrawLine(new XPen(XColors.Gray, 0.4), Left, footerTop - 8, Left + Width, footerTop - 8);
        gfx.DrawString($"Số hồ sơ: {form.ApplicationNumber}", regular, XBrushes.Black, new XRect(Left, footerTop + 4, Width - qrSize - 10, 14), XStringFormats.TopLeft);
        gfx.DrawString($"Ngày gửi: {form.SubmittedOn.ToString("dd/MM/yyyy", Vietnamese)}", regular, XBrushes.Black, new XRect(Left, footerTop + 20, Width - qrSize - 10, 14), XStringFormats.TopLeft);
        gfx.DrawString("Quét mã QR để kiểm tra tính xác thực của tờ khai.", small, XBrushes.Black, new XRect(Left, footerTop + 40, Width - qrSize - 10, 12), XStringFormats.TopLeft);
        DrawQr(gfx, verificationUrl, Left + Width - qrSize, footerTop, qrSize);

        using var output = new MemoryStream();
        document.Save(output, closeStream: false);
        return output.ToArray();
    }

    // Vector modules rather than an embedded bitmap: sharper when printed, and a few hundred bytes.
    private static void DrawQr(XGraphics gfx, string content, double x, double y, double size)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(content, QRCodeGenerator.ECCLevel.M);
        var modules = data.ModuleMatrix;
        var count = modules.Count;
        var module = size / count;
        for (var row = 0; row < count; row++)
        {
            for (var column = 0; column < count; column++)
            {
                if (modules[row][column])
                {
                    // A hair wider than the module so neighbouring squares leave no seams when rasterised.
                    gfx.DrawRectangle(XBrushes.Black, x + column * module, y + row * module, module + 0.05, module + 0.05);
                }
            }
        }
    }

    private static string OfficeWithoutPrefix(string officeName) =>
        officeName.StartsWith("BHXH ", StringComparison.Ordinal) ? officeName[5..] : officeName;

    private static void Centered(XGraphics gfx, string s, XFont font, double y) => CenteredIn(gfx, s, font, Left, Width, y);

    private static void CenteredIn(XGraphics gfx, string s, XFont font, double x, double width, double y) =>
        gfx.DrawString(s, font, XBrushes.Black, new XRect(x, y, width, font.Height), XStringFormats.TopCenter);

    private static double Section(XGraphics gfx, string s, XFont font, double y)
    {
        gfx.DrawString(s, font, XBrushes.Black, new XRect(Left, y, Width, 16), XStringFormats.TopLeft);
        return y + 20;
    }

    private static double Row(XGraphics gfx, string label, string value, XFont labelFont, XFont valueFont, double y, XTextFormatter? wrap = null)
    {
        const double labelWidth = 190;
        gfx.DrawString(label, labelFont, XBrushes.Black, new XRect(Left + 10, y, labelWidth, 14), XStringFormats.TopLeft);
        if (wrap is null)
        {
            gfx.DrawString(value, valueFont, XBrushes.Black, new XRect(Left + 10 + labelWidth, y, Width - labelWidth - 10, 14), XStringFormats.TopLeft);
            return y + 17;
        }
        wrap.Alignment = XParagraphAlignment.Left;
        wrap.DrawString(value, valueFont, XBrushes.Black, new XRect(Left + 10 + labelWidth, y, Width - labelWidth - 10, 30), XStringFormats.TopLeft);
        return y + (gfx.MeasureString(value, valueFont).Width > Width - labelWidth - 10 ? 31 : 17);
    }
}
