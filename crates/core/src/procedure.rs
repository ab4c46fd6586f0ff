//! The vocabulary every domain shares: the procedures a visit is booked for (DESIGN.md's
//! glossary) and who comes for them. Reservations, checklists, visits and reports all speak
//! of these, so they live below all of them.

coded_enum! {
    /// A procedure a visit is booked for. PIN setting is done by city staff and is never booked.
    Procedure {
        /// カード交付.
        CardIssue = "card_issue",
        /// カード再交付.
        CardReissue = "card_reissue",
        /// 記載事項変更.
        DetailsChange = "details_change",
        /// 電子証明書の発行.
        CertificateIssue = "certificate_issue",
        /// 電子証明書の更新.
        CertificateRenewal = "certificate_renewal",
        /// 申請サポート: card application assistance (顔写真の撮影, 申請書の記入支援), as at an
        /// outreach session (出張申請, seed 002 §2(1)④). It issues no card: the citizen receives
        /// it later at the counter (交付時来庁方式).
        ApplicationSupport = "application_support",
    }
}

coded_enum! {
    /// Who comes for the procedure.
    ApplicantType {
        /// 本人.
        ApplicantSelf = "self",
        /// 法定代理人.
        LegalRepresentative = "legal_representative",
        /// 任意代理人.
        Proxy = "proxy",
    }
}

impl Default for ApplicantType {
    /// Most people come themselves.
    fn default() -> Self {
        ApplicantType::ApplicantSelf
    }
}
